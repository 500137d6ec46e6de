"""Who may open a pair: the curator any pair of the organisation, a mentor and a
mentee only their own; everyone else gets 404."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from pairs.access import get_pair_for_user, role_in_pair
from people.access import access_for
from tests import factories as f


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    request.access = access_for(user, None)
    return request


def test_curator_opens_any_pair_of_the_organisation(curator, pair, programme):
    other = f.PairFactory(programme=programme)
    for target in (pair, other):
        assert get_pair_for_user(request_for(curator), target.pk) == target
    assert role_in_pair(request_for(curator), pair) == "curator"


def test_mentor_and_mentee_open_only_their_own_pair(mentor, mentee, pair, programme):
    other = f.PairFactory(programme=programme)
    for user, role in ((mentor, "mentor"), (mentee, "mentee")):
        request = request_for(user)
        assert get_pair_for_user(request, pair.pk) == pair
        assert role_in_pair(request, pair) == role
        with pytest.raises(Http404):
            get_pair_for_user(request, other.pk)


def test_outsider_and_social_pedagogue_get_404(outsider, social_pedagogue, pair):
    for user in (outsider, social_pedagogue):
        with pytest.raises(Http404):
            get_pair_for_user(request_for(user), pair.pk)
