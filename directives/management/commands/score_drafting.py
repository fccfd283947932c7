"""Score the drafting parser on the evaluation corpus of real documents.

    python manage.py score_drafting [--corpus DIR] [--registry corpus|reference]
        [--split all|base|new|tuning|heldout|heldout3|...|heldout9|heldout10|tuning2|tuning3|tuning4|heldout11
        |heldout12|tuning5|tunable] [--json]

Each item of tests/fixtures/drafting_corpus (or DIR) is drafted alone, as a clerk would paste it,
with its document's issue date, and compared with the drafts a clerk would make. Prints the share
right per field (one draft per expected draft, lead, coordinating agencies, due date, all three,
whole item), per failure class, the wrong dates that carry no flag, and every failing item.
The items of the sealed splits (held out, never tuned on) count in the figures but their failures
are never printed. Nothing is saved and the database is not read. ``--split`` scores one part of the corpus (the
first documents, the later ones, the later ones tuned on, or those held out from tuning), always
over the registry of the whole corpus. ``--registry reference`` matches over the registry a fresh
install has instead (``load_reference_agencies`` and ``load_seeds``'s records, nothing of the
corpus): an expected agency it lacks is a miss, and the misses are told apart as "not in the
registry" or "in the registry, parser wrong", with the names lacking and what the parser made of them.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from directives.drafting_corpus import DEFAULT_CORPUS, REGISTRIES, CorpusError, load_corpus, score_corpus


class Command(BaseCommand):
    help = "Score the drafting parser on the corpus of real directive items (tests/fixtures/drafting_corpus)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="directory of corpus YAML files")
        parser.add_argument(
            "--split",
            choices=sorted(_SPLITS),
            default="all",
            help="score all documents, the first ones (base), the later ones (new), or one later split",
        )
        parser.add_argument(
            "--registry",
            choices=REGISTRIES,
            default="corpus",
            help="match over the seeds plus every agency the corpus expects (corpus), or a fresh install's (reference)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures and failures as one JSON object")

    def handle(self, *args, **options):
        try:
            everything = load_corpus(options["corpus"])
            documents = load_corpus(options["corpus"], split=_SPLITS[options["split"]])
        except CorpusError as exc:
            raise CommandError(str(exc)) from exc
        if not documents:
            raise CommandError(f"The corpus has no documents in the split {options['split']!r}.")
        figures = score_corpus(documents, registry_documents=everything, registry=options["registry"]).figures()
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=1))
            return
        self._report(figures)

    def _report(self, figures):
        s = figures["scores"]
        w = self.stdout.write
        w(f"{figures['documents']} documents, {figures['items']} items, {figures['expected_drafts']} expected drafts")
        w(f"  one draft per expected draft: {s['draft_count']:.1%} of items ({figures['extra_drafts']} extra drafts)")
        w(f"  lead:          {s['lead']:.1%} of expected drafts")
        w(f"  coordinating:  {s['coordinating']:.1%}")
        w(f"  due date:      {s['due']:.1%}")
        w(f"  all three:     {s['all_fields']:.1%}")
        w(f"  items right:   {s['items_right']:.1%} (right count of drafts, every field right, flags where needed)")
        w(f"  start date:    {s['start']:.1%} (the day work may begin, or none)")
        w(f"  wrong dates without a flag: {figures['silent_wrong_dates']}")
        w("Per failure class (items right / items):")
        for name, entry in figures["classes"].items():
            w(f"  {name:<18} {entry['right']:>3}/{entry['items']:<3} {entry['share']:.0%}")
        registry = figures["registry"]
        if registry["name"] == "reference":
            self._report_registry(registry)
        sealed = figures["sealed_failures"]
        shown = f"; {sealed} more in the sealed splits, not shown" if sealed else ""
        w(f"Failures ({len(figures['failures'])}{shown}):")
        for failure in figures["failures"]:
            w(f"  {failure['document']} item {failure['item']} [{', '.join(failure['classes'])}]")
            for reason in failure["reasons"]:
                w(f"      - {reason}")
            for draft in failure["drafts"]:
                lead = _label(draft["lead"]) if draft["lead"] else None
                coordinating = ", ".join(_label(c) for c in draft["coordinating"])
                w(f"      > lead={lead!r} coord=[{coordinating}] due={draft['due_date']} flags={draft['flags']}")

    def _report_registry(self, registry):
        w = self.stdout.write
        misses = registry["misses"]
        w(f"Over a fresh install's registry ({registry['agencies']} agencies): misses by cause")
        w("                  not in the registry   in the registry, parser wrong")
        for what, label in (("items", "items wrong"), ("lead", "lead"), ("coordinating", "coordinating")):
            w(f"  {label:<16} {misses[what]['not_in_registry']:>8} {misses[what]['parser_wrong']:>24}")
        outcomes = ", ".join(f"{n} {outcome}" for outcome, n in registry["absent_outcomes"].items())
        w(f"Expected agencies not in the registry ({len(registry['absent'])} names; {outcomes or 'none'}):")
        for entry in registry["absent"]:
            said = ", ".join(f"{n} {outcome}" for outcome, n in sorted(entry["outcomes"].items()))
            w(f"  {entry['drafts']:>3} drafts ({entry['lead']} as lead)  {entry['name']}  [{said}]")


_SPLITS = {
    "all": None,
    "base": "",
    "new": "new",
    "tuning": "tuning",
    "heldout": "heldout",
    "heldout3": "heldout3",
    "heldout4": "heldout4",
    "heldout5": "heldout5",
    "heldout6": "heldout6",
    "heldout7": "heldout7",
    "heldout8": "heldout8",
    "heldout9": "heldout9",
    "tuning2": "tuning2",
    "tuning3": "tuning3",
    "heldout10": "heldout10",
    "tuning4": "tuning4",
    "heldout11": "heldout11",  # the thirteenth collection (2026-12-07), held out: aggregates only
    "heldout12": "heldout12",  # the fourteenth collection (2026-12-07, corpus14), held out: aggregates only
    "tuning5": "tuning5",  # 2026-12-08: provincial documents with task lists; scored once, then tuned on
    "tunable": "tunable",  # every split but the sealed ones: what the parser may be tuned on
}


def _label(described: dict) -> str:
    """An agency's name, a group's name, or a name the registry lacks (marked with ?)."""
    if "name" in described:
        return described["name"]
    if "group" in described:
        return f"<{described['group']}>"
    return f"?{described.get('unmatched', '')}"
