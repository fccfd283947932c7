"""Factories for the registry, sessions and directives."""

import datetime

import factory
from django.utils import timezone

from conference.models import Agency, ConclusionNotice, Participation, Person, Session, Site
from directives import services
from directives.models import Directive, ExtensionRequest, OutboxMessage, ProgressReport


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"co-quan-{n}")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm số {n}")
    short_name = factory.Sequence(lambda n: f"CQ{n}")
    kind = Agency.Kind.MINISTRY
    level = "central"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Hội nghị chuyển đổi số lần {n}")
    held_on = datetime.date(2024, 7, 10)
    convened_by = factory.SubFactory(AgencyFactory)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Điểm cầu số {n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Participation.Role.ATTENDEE


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConclusionNotice

    number = factory.Sequence(lambda n: f"{n}/TB-UBND")
    issued_on = datetime.date(2024, 7, 12)
    issuer = factory.SubFactory(AgencyFactory)
    session = factory.SubFactory(SessionFactory)


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    item_number = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"Hoàn thành nhiệm vụ chuyển đổi số thứ {n}")
    lead_agency = factory.SubFactory(AgencyFactory)
    due_date = datetime.date(2024, 12, 31)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As every edge does: through the service, so the directive has its history row.
        return services.directive_save(directive=model_class(*args, **kwargs))

    @factory.post_generation
    def coordinating(self, create, extracted, **kwargs):
        if create and extracted:
            services.directive_set_coordinating(directive=self, coordinating=extracted)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    directive = factory.SubFactory(DirectiveFactory)
    agency = factory.SelfAttribute("directive.lead_agency")
    note = factory.Sequence(lambda n: f"Đã triển khai bước {n} của kế hoạch")
    percent_complete = 50


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    directive = factory.SubFactory(DirectiveFactory, due_date=datetime.date(2024, 7, 27))
    agency = factory.SelfAttribute("directive.lead_agency")
    current_due_date = factory.SelfAttribute("directive.due_date")
    proposed_due_date = factory.LazyAttribute(lambda o: o.current_due_date + datetime.timedelta(days=35))
    reason = "Chờ ý kiến thẩm định của Bộ Tư pháp"


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    kind = OutboxMessage.Kind.BEFORE_DUE
    directive = factory.SubFactory(DirectiveFactory)
    agency = factory.SelfAttribute("directive.lead_agency")
    due_date = factory.SelfAttribute("directive.due_date")
    stage_date = factory.LazyAttribute(lambda o: o.due_date - datetime.timedelta(days=7))
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    send_after = factory.LazyFunction(timezone.now)
