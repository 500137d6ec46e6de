"""A class teacher proposes a pupil of their class for the mentee base."""

import pytest
from django.urls import reverse

from mentoring.models import RequestArea
from people.models import MenteeProfile, Role
from tests import factories as f
from tests.conftest import member


@pytest.fixture
def group(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)


@pytest.fixture
def class_teacher(organisation, group):
    return member(organisation, Role.CLASS_TEACHER, "classteacher", study_group=group)


@pytest.fixture
def pupils(organisation, group):
    mine = f.ParticipantFactory(
        organisation=organisation, study_group=group, last_name="Котова"
    )
    other_group = f.StudyGroupFactory(organisation=organisation, name="8А", grade=8)
    theirs = f.ParticipantFactory(
        organisation=organisation, study_group=other_group, last_name="Лосева"
    )
    return mine, theirs


URL = "people:mentee-propose"


def test_the_class_teacher_proposes_a_pupil_of_their_class(
    client, class_teacher, pupils
):
    mine, theirs = pupils
    client.force_login(class_teacher)
    page = client.get(reverse(URL))
    assert page.status_code == 200
    offered = list(page.context["form"].fields["pupil"].queryset)
    assert offered == [mine]
    area = RequestArea.objects.filter(is_active=True).first()
    response = client.post(
        reverse(URL), {"pupil": mine.pk, "area": area.pk, "text": "Трудности с чтением"}
    )
    assert response.status_code == 302
    mentee = MenteeProfile.objects.get(participant=mine)
    assert mentee.status == MenteeProfile.Status.WAITING
    assert class_teacher.get_full_name() in mentee.proposed_by
    assert [r.text for r in mentee.requests.all()] == ["Трудности с чтением"]
    # A pupil of another class cannot be proposed by this teacher.
    response = client.post(
        reverse(URL), {"pupil": theirs.pk, "area": area.pk, "text": "Запрос"}
    )
    assert response.status_code == 200
    assert not MenteeProfile.objects.filter(participant=theirs).exists()


@pytest.mark.parametrize("persona", ["curator", "head", "mentor", "outsider"])
def test_others_are_refused(client, request, persona, pupils):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 403
