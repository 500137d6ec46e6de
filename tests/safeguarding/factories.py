from datetime import date

import factory
from factory.django import DjangoModelFactory

from safeguarding import models as sg
from tests import factories as f


class DiagnosticsFactory(DjangoModelFactory):
    class Meta:
        model = sg.SocialDiagnostics

    participant = factory.SubFactory(f.ParticipantFactory)
    conducted_on = date(2026, 3, 2)
    sources = ["class_teacher", "parents"]
    family_situation = "Мать одна воспитывает троих детей"
    problems = "СЕКРЕТНАЯ-ПРОБЛЕМА: пропуски без уважительных причин"


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = sg.RehabilitationProgramme

    participant = factory.SubFactory(f.ParticipantFactory)
    starts_on = date(2026, 3, 10)
    ends_on = date(2026, 6, 30)
    goals = "Вернуть к регулярному посещению занятий"
    methods = "Беседы, кружок, консультации психолога"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = sg.RehabilitationActivity

    programme = factory.SubFactory(ProgrammeFactory)
    activity = "Запись в кружок робототехники"
    deadline = date(2026, 4, 1)
    responsible = "Классный руководитель"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = sg.HomeVisitAct

    participant = factory.SubFactory(f.ParticipantFactory)
    visited_on = date(2026, 3, 12)
    address = "ул. Ленина, 1, кв. 2"
    visitors = "Социальный педагог, классный руководитель"
    living_conditions = "Двухкомнатная квартира"


class FamilyCardFactory(DjangoModelFactory):
    class Meta:
        model = sg.FamilyCard

    participant = factory.SubFactory(f.ParticipantFactory)
    composition = "Мать, 1985 г. р., продавец"
    categories = ["single_parent"]


class PreventiveFactory(DjangoModelFactory):
    class Meta:
        model = sg.PreventiveWorkEntry

    participant = factory.SubFactory(f.ParticipantFactory)
    held_on = date(2026, 3, 15)
    form_of_work = sg.PreventiveWorkEntry.Form.CONVERSATION
    content = "Беседа о посещаемости"
    conducted_by = "Иванова И. И."


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = sg.PreventionRegistration

    participant = factory.SubFactory(f.ParticipantFactory)
    register = sg.PreventionRegistration.Register.SCHOOL
    registered_on = date(2026, 2, 1)
    grounds = "Систематические пропуски"
