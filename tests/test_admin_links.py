"""The admin's header and object tools lead somewhere: no "view site" 404, no link back to the same page."""

from django.urls import reverse

from .factories import SessionFactory


def test_the_root_address_leads_to_the_admin(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("admin:index")


def test_no_view_site_link_that_would_be_a_404(clerk_client):
    content = clerk_client.get(reverse("admin:index")).content.decode()
    assert "Xem trang web" not in content
    assert 'href="/"' not in content


def test_a_session_page_offers_no_view_on_site_link_to_itself(clerk_client):
    session = SessionFactory()
    content = clerk_client.get(reverse("admin:conference_session_change", args=[session.pk])).content.decode()
    assert "Xem trên trang web" not in content
    assert "viewsitelink" not in content
