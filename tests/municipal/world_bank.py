"""The bank part of the access matrix's world (tests/test_access_matrix.py):
objects its URLs need, set as attributes of the world.

`world.bank_mentor` is a consenting mentor of the neighbouring school (world.other,
whose curator is the persona "outsider"); `world.bank_request` is our curator's
pending request for them for our mentee: outgoing for our managers, incoming for
the outsider."""

from mentoring.models import MentoringForm, RoleVariant
from municipal.models import BankRequest
from tests import factories as f


def build(world) -> None:
    world.bank_mentor = f.MentorFactory(
        participant__organisation=world.other, shared_in_bank=True, capacity=2
    )
    world.bank_request = BankRequest.objects.create(
        mentor=world.bank_mentor,
        mentee=world.mentee_profile,
        organisation=world.organisation,
        programme=world.programme,
        form=MentoringForm.objects.get(code="teacher-pupil"),
        role_variant=RoleVariant.objects.get(code="tp-professional"),
        requested_by=world.users["curator"],
    )
