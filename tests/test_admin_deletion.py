"""Sessions, notices, agencies and people with records attached are not deleted from the admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from conference.models import Agency, AgencyContact, ConclusionNotice, Session

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def change_page(client, obj):
    opts = obj._meta
    return client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


def delete_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def bulk_delete(client, model, objs, confirm=False):
    opts = model._meta
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [o.pk for o in objs]}
    if confirm:
        data["post"] = "yes"
    return client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), data)


def attached_cases():
    session_with_sites = SiteFactory().session
    directive = DirectiveFactory(notice=NoticeFactory())
    contact_only = AgencyFactory()
    AgencyContact.objects.create(agency=contact_only, email="vanthu@example.gov.vn")
    return [session_with_sites, directive.session, directive.notice, directive.lead_agency, contact_only]


def test_a_record_with_records_attached_has_no_delete_link_and_no_delete_page(clerk_client):
    for obj in attached_cases():
        page = change_page(clerk_client, obj)
        assert page.status_code == 200
        assert delete_url(obj) not in page.content.decode(), obj
        assert clerk_client.post(delete_url(obj), {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_record_nothing_refers_to_may_still_be_deleted(clerk_client):
    lonely = SessionFactory(convened_by=None)
    assert delete_url(lonely) in change_page(clerk_client, lonely).content.decode()
    clerk_client.post(delete_url(lonely), {"post": "yes"})
    assert not Session.objects.filter(pk=lonely.pk).exists()


@pytest.mark.parametrize("model", [Session, ConclusionNotice, Agency])
def test_delete_selected_refuses_records_with_records_attached_and_says_why(clerk_client, model):
    directive = DirectiveFactory(notice=NoticeFactory())
    attached = {Session: directive.session, ConclusionNotice: directive.notice, Agency: directive.lead_agency}[model]
    lonely = {
        Session: lambda: SessionFactory(convened_by=None),
        ConclusionNotice: lambda: NoticeFactory(session=None, issuer=directive.lead_agency),
        Agency: AgencyFactory,
    }[model]()
    page = bulk_delete(clerk_client, model, [attached, lonely])
    body = page.content.decode()
    assert page.status_code == 200
    refusal = next(line for line in body.splitlines() if f"{attached}: đã có" in line)  # in Vietnamese
    assert "1 nhiệm vụ" in refusal
    assert 'name="post"' not in body  # no button to go on
    bulk_delete(clerk_client, model, [attached, lonely], confirm=True)
    assert model.objects.filter(pk__in=[attached.pk, lonely.pk]).count() == 2
    # Alone, the record nothing refers to goes.
    bulk_delete(clerk_client, model, [lonely], confirm=True)
    assert not model.objects.filter(pk=lonely.pk).exists()
