"""Whole numbers in Vietnamese, and a figure's decimal value in its admin form."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from conference.admin import DecimalInput
from conference.numbers import grouped

from .factories import SessionFactory


def test_whole_numbers_are_grouped_with_dots_in_vietnamese():
    with translation.override("vi"):
        assert [grouped(n) for n in (7, 999, 1072, 16051, 1234567)] == ["7", "999", "1.072", "16.051", "1.234.567"]
        assert grouped(None) is None


def test_a_figures_value_reads_and_is_read_back_as_a_vietnamese_clerk_writes_it():
    field = forms.DecimalField(max_digits=20, decimal_places=4, localize=True, widget=DecimalInput)
    with translation.override("vi"):
        shown = [field.widget.format_value(Decimal(v)) for v in ("35.0000", "13.3000", "31836.0000", "0.0100")]
        assert shown == ["35", "13,3", "31836", "0,01"]  # never "35.0000", read as thirty-five thousand
        assert [field.clean(text) for text in ("13,3", "13.3", "31836")] == [
            Decimal("13.3"),
            Decimal("13.3"),
            Decimal("31836"),
        ]


@pytest.mark.django_db
def test_a_sessions_page_shows_its_figures_values_with_a_decimal_comma(clerk_client):
    from conference.models import Figure

    session = SessionFactory(held_on=datetime.date(2024, 7, 10))
    Figure.objects.create(
        session=session, indicator="Số người dân nhận trợ cấp", as_stated="1,96 triệu người", value=Decimal("1.96")
    )
    html = clerk_client.get(reverse("admin:conference_session_change", args=[session.pk])).content.decode()
    assert 'value="1,96"' in html and 'value="1.9600"' not in html
