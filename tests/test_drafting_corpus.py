"""The evaluation corpus of real documents (tests/fixtures/drafting_corpus) and its scorer.

The corpus is the measuring stick for the drafting parser: items copied verbatim from public
notices, letters and telegrams of 2015-2026, each with the drafts a clerk would make. These tests
check that the scorer reads the corpus and reports every figure, and pin the figures measured on
2026-12-02 as floors, for the whole corpus and for its held-out split: a later parser may score
higher, never lower. Raise the floors when the parser improves; never tune on the held-out split.
"""

import datetime
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from directives.drafting.agencies import Unmatched
from directives.drafting.deadlines import DeadlineResult
from directives.drafting.evaluation import Agreement, Comparison, Expected
from directives.drafting.parser import Draft
from directives.drafting.textutil import fold_key
from directives.drafting_corpus import (
    DEFAULT_CORPUS,
    SEALED_SPLITS,
    SPLITS,
    CorpusError,
    ExpectedDraft,
    Item,
    ItemResult,
    Score,
    corpus_registry,
    load_corpus,
    score_corpus,
)

# The parser over the corpus, no database: CI runs it once (the SQLite pass), not again on PostgreSQL.
pytestmark = pytest.mark.no_database

# Measured with `python manage.py score_drafting` on 2026-12-02. History of the first 46 items (39
# documents): before any tuning, items right 34.8% and 18 wrong dates without a flag; after the first
# rebuild 71.7%. Then 16 items from 6 later documents were added and scored before tuning (items
# right 56.2%; their failures were read while tuning, so they are the "tuning" split), and the parser
# was tuned on them and on the first 46 (rules from the language, see the README). Then 12 items
# from 12 documents nobody had run the parser on were added as the "heldout" split and scored once
# (58.3%). Later the same day 54 more items from 17 documents (provincial letters, plans and notices
# of Lào Cai 2025-2026 with "heading, then bullets" sections, VPCP letters of 2015-2022) were added,
# 27 to "tuning" and 27 to "heldout", and all were scored once before any parser change (whole corpus
# 64.8% items right, held-out 35.9%). Floors: a later parser may score higher, never lower.
# After the parser was tuned on the base and tuning splits (rules in the corpus README), scored once on
# the held-out split: before tuning it was 46.2% items right with the same scorer (35.9% with the
# old pairing), 58.3% on its first 12 items.
# 2026-12-03: 45 items from 20 more documents (split "heldout3": VPCP letters 2015-2023, the conclusion
# notice 467/TB-VPCP and the directive 13/CT-TTg of 2024, letters of Lào Cai and Lai Châu), recorded
# before the parser was run on them and scored once before any parser change: 64.4% items right (the
# honest figure for documents nobody has seen), the whole corpus 77.5%. Then the failures of the
# heldout and heldout3 splits were read and general rules added (tests/test_drafting_rules_heldout3.py):
# both splits are tuned on since. Floors are the figures after those rules; never lower.
# 2026-12-03, afternoon: 25 items from 8 more documents (split "heldout4": a Lào Cai plan and decision, a
# Party committee's letter, a ministry's plan, two ministries' letters to the provinces, two citizens'
# replies), recorded before the parser was run on them and scored once: 36.0% items right. The first
# four collections keep their floor (BASELINE_2026_12_03, scored without heldout4); the whole corpus and
# heldout4 get floors of their own, the figures after the rules of tests/test_drafting_rules_heldout4.py.
# 2026-12-03, evening: 11 items from 9 more documents (split "heldout5": Lai Châu letters of 2018, Quảng
# Trị letters and the conclusion notice 239/TB-UBND of 2023-2024, a Quảng Trị Office letter of 2025, a
# ministry's letter of 2026), recorded before the parser was run on them, in two batches, each scored
# once with the parser unchanged since heldout4's tuning: 36.4% items right, the honest figure after
# that tuning. Its floor is that figure; the earlier collections keep theirs (scored without heldout5,
# unchanged by its agencies in the registry), and the whole corpus gets a floor of its own.
# Then heldout5's failures were read and general rules added (tests/test_drafting_rules_heldout5.py:
# abbreviated words of agency names, group names cut short, "phối hợp cùng"): heldout5 is tuned on since,
# 63.6% items right; its floor and the whole corpus's are the figures after those rules; never lower.
BASELINE_2026_12_03 = {  # the first four collections (93 documents, 173 items, 323 expected drafts)
    "draft_count": 0.9942,
    "lead": 0.9907,
    "coordinating": 0.9907,
    "due": 0.9969,
    "all_fields": 0.9845,
    "items_right": 0.9711,
    "start": 1.0,
}
HELDOUT_2026_12_02 = {  # the held-out split alone (18 documents, 39 items, 88 expected drafts)
    "draft_count": 0.9744,
    "lead": 0.9773,
    "coordinating": 0.9659,
    "due": 0.9886,
    "all_fields": 0.9545,
    "items_right": 0.8974,
    "start": 1.0,
}
HELDOUT3_2026_12_03 = {  # the fourth collection alone (20 documents, 45 items, 68 expected drafts)
    "draft_count": 1,
    "lead": 0.9853,
    "coordinating": 1.0,
    "due": 1.0,
    "all_fields": 0.9853,
    "items_right": 0.9778,
    "start": 1.0,
}
WHOLE_2026_12_03 = {  # the whole corpus (101 documents, 198 items, 363 expected drafts)
    "draft_count": 0.9949,
    "lead": 0.989,
    "coordinating": 0.989,
    "due": 0.9972,
    "all_fields": 0.9807,
    "items_right": 0.9646,
    "start": 1.0,
}
HELDOUT4_2026_12_03 = {  # the fifth collection alone (8 documents, 25 items, 40 expected drafts)
    "draft_count": 1.0,
    "lead": 0.975,
    "coordinating": 0.975,
    "due": 1.0,
    "all_fields": 0.95,
    "items_right": 0.92,
    "start": 1.0,
}
HELDOUT5_2026_12_03 = {  # the sixth collection alone (9 documents, 11 items, 10 expected drafts), tuned
    "draft_count": 1.0,
    "lead": 0.9,
    "coordinating": 1.0,
    "due": 1.0,
    "all_fields": 0.9,
    "items_right": 0.9091,
    "start": 1.0,
}
WHOLE_WITH_HELDOUT5_2026_12_03 = {  # the whole corpus (110 documents, 209 items, 373 expected drafts)
    "draft_count": 0.9952,
    "lead": 0.9866,
    "coordinating": 0.9893,
    "due": 0.9973,
    "all_fields": 0.9786,
    "items_right": 0.9617,
    "start": 1.0,
}
# 2026-12-03, night: 10 items from 10 more documents (split "heldout6": the telegrams 234/CĐ-TTg and
# 4939/CĐ-BCT of 2025, VPCP letters of 2019-2023, Lai Châu, Vĩnh Phúc and Cao Bằng letters and replies),
# recorded before the parser was run on them and scored once with the parser as tuned on heldout5: 40.0%
# items right (lead 45.0%, due 60.0%), the honest figure after that tuning. The earlier collections keep
# their floors (scored without heldout6); then the rules of tests/test_drafting_rules_heldout6.py (the
# speaker's lead-in line) were added: heldout6 is tuned on since, and its floor and the whole corpus's are
# the figures after those rules; never lower.
HELDOUT6_2026_12_03 = {  # the seventh collection alone (10 documents, 10 items, 20 expected drafts), tuned
    "draft_count": 1.0,  # 0.9 after parse18, 1.0 again after parse21 (1536/UBND-TH): see the corpus README
    "lead": 1.0,
    "coordinating": 1.0,
    "due": 1.0,
    "all_fields": 1.0,
    "items_right": 1.0,
    "start": 1,
}
WHOLE_WITH_HELDOUT6_2026_12_03 = {  # the whole corpus (120 documents, 219 items, 393 expected drafts)
    "draft_count": 0.9954,
    "lead": 0.9873,
    "coordinating": 0.9898,
    "due": 0.9975,
    "all_fields": 0.9796,
    "items_right": 0.9635,
    "start": 1.0,
}
# 2026-12-03, late night: 64 items (111 expected drafts) from 10 more whole documents of November 2025
# (split "heldout7": the conclusion notices 623, 627, 634, 636 and 641/TB-VPCP, the telegrams 217, 223 and
# 228/CĐ-TTg, the letters 11298/VPCP-KTTH and 11306/VPCP-NN, copies in tnt305/tai_lieu_noi_bo), recorded
# and committed before the parser was run on them, then scored once with the parser unchanged: 62.5% items
# right. These floors are that one run; heldout7 is not tuned on in that session. The earlier collections
# keep their floors, scored without heldout7 (its agencies in the registry move no earlier figure).
# Then the closing line "Văn phòng Chính phủ thông báo để ... biết, thực hiện./." (a heldout7 class, 5 items)
# made no task, alone or wrapped (tests/test_drafting_rules_parse11.py): heldout7 62.5% -> 67.2% items right,
# tuned on since. heldout8 moved too (38.6% -> 50.0%): its three closing lines were read while the PDF-wrap
# robustness test was made to pass on them, so 38.6% stays heldout8's held-out figure. Floors follow.
# parse14 (2026-12-04): provinces listed by place, the lead after a topic or lead-in, a heading's lettered
# points on its line (tests/test_drafting_rules_parse14.py): heldout7 67.2% -> 93.8% items right; the
# earlier collections did not move. Floors follow.
# After parse14 and parse15 merged (2026-12-04): heldout7 96.9% items right, no wrong date without a flag.
HELDOUT7_2026_12_03 = {  # the eighth collection alone (10 documents, 64 items, 111 expected drafts), tuned on
    "draft_count": 0.9844,
    "lead": 0.982,
    "coordinating": 0.991,
    "due": 0.991,
    "all_fields": 0.982,
    "items_right": 0.9844,
    "start": 1.0,
}
# 627/TB-VPCP III.1.c (a goal year read), III.5.b (two: a date before the issue, unread); 634/TB-VPCP III.9's
# no longer (since parse14 the corporations listed after "các Tập đoàn:" lead it, with its deadline)
HELDOUT7_SILENT_WRONG_DATES = 0
WHOLE_WITH_HELDOUT7_2026_12_03 = {  # the whole corpus up to heldout7 (130 documents, 283 items, 504 drafts)
    "draft_count": 0.9929,
    "lead": 0.9861,
    "coordinating": 0.9901,
    "due": 0.996,
    "all_fields": 0.9802,
    "items_right": 0.9682,
    "start": 1.0,
}
WHOLE_WITH_HELDOUT7_SILENT_WRONG_DATES = 3
# (merged with parse15; its own figures before the merge:)
# parse15 (2026-12-04): dates the task does not own dropped or flagged (a goal year, the speaker's lead-in, a
# report date before the issue date taken over "khẩn trương", windows of days) and a heading's bullets copied
# on one line cut (tests/test_drafting_rules_parse15.py): heldout7 67.2% -> 70.3% items right, wrong dates
# without a flag 4 -> 1 (634/TB-VPCP III.9: the groups' draft, and its date, lost with the list after
# "các Tập đoàn:"; the Ministry's draft paired with their expected one). Floors follow.
# Then 44 items (68 expected drafts) from 11 more whole documents of November 2025 (split "heldout8": the
# notices 648, 653 and 659/TB-VPCP, the telegram 224/CĐ-TTg, the letters 11299, 11414, 11520, 11583 and
# 11654/VPCP, Hồ Chí Minh City's letters 4085/UBND-ĐT and 4240/UBND-VX), recorded and committed before the
# parser was run on them, scored once after heldout7's run with the parser unchanged: 38.6% items right.
# heldout8 must stay untouched by any tuning: it is the figure for documents nobody here has tuned on.
# After parse11's rules (written on the earlier splits, heldout8 not read) one heldout8 draft lost its
# due date: due 0.4412 -> 0.4265, all three fields 0.3088 -> 0.2941, items right unchanged. The floor
# follows the measured figure rather than a look at heldout8's items to fix it, which would tune on it.
# parse16 (rules for sentences that give no task, written on tuning2; heldout8 only scored, never read): items
# right 0.5682 -> 0.6364, draft count 0.7045 -> 0.7727, the other fields unchanged; the floor is that run.
HELDOUT8_2026_12_03 = {  # the ninth collection alone (11 documents, 44 items, 68 expected drafts), held out
    "draft_count": 0.8182,
    "lead": 0.5441,  # scored only (never read); 0.4853 before parse14-17
    "coordinating": 0.6765,
    "due": 0.6029,
    "all_fields": 0.4559,
    "items_right": 0.6591,
    "start": 1.0,
}
HELDOUT8_SILENT_WRONG_DATES = 5  # 6 before parse15
# parse14: the whole corpus's floor follows its figure after parse14's rules (heldout8 counted only inside
# it: heldout8's own floor above was not re-scored, and stays; its test passes).
WHOLE_WITH_HELDOUT8_2026_12_03 = {  # the whole corpus (141 documents, 327 items, 572 expected drafts), parse16
    "draft_count": 0.9694,
    "lead": 0.9336,
    "coordinating": 0.9528,
    "due": 0.9493,
    "all_fields": 0.9178,
    "items_right": 0.9266,
    "start": 1.0,
}
WHOLE_WITH_HELDOUT8_SILENT_WRONG_DATES = 8
# 2026-12-04: 58 items (113 expected drafts) from 14 more documents (split "heldout9": the notices 631, 637 and
# 665/TB-VPCP, the telegrams 230, 231 and 232/CĐ-TTg, the directive 24/CT-TTg, the letter 10379/VPCP-CN, Quảng
# Trị's directive 06/CT-UBND, Hồ Chí Minh City's letter 4001/UBND-ĐT, and the points of 04/CT-TTg and 81/CĐ-TTg
# (2024), 10/CT-TTg (2023) and the Ministry of Health's 1419/KCB-QLCL&CĐT (2024) quoted by legal Q&A pages),
# recorded and committed before the parser was run on them, then scored once with main's parser at a7bd130:
# 50.0% items right. These floors are that run: a later parser may score higher, never lower.
# After parse14's rules (written on heldout7; heldout9 only scored, never read): items right unchanged at
# 50.0%, lead 0.7168 -> 0.7611, coordinating 0.8319 -> 0.8407, all three 0.6195 -> 0.6283, but draft count
# 0.6897 -> 0.6724 (seven more extra drafts). The floor follows the measured figure: fixing it from
# heldout9's items would tune on it.
# After parse16's rules (written on tuning2; heldout9 only scored, never read): items right 0.5 -> 0.5345, draft
# count 0.6724 -> 0.7069, the other fields unchanged.
HELDOUT9_2026_12_04 = {  # the tenth collection alone (14 documents, 58 items, 113 expected drafts), held out
    "draft_count": 0.7414,
    "lead": 0.7965,
    "coordinating": 0.8407,
    "due": 0.885,
    "all_fields": 0.6637,
    "items_right": 0.569,
    "start": 0.9912,
}
# 230/CĐ-TTg point 2 (the heads' group lost its date) and 232/CĐ-TTg point 1 (a province read with no date)
HELDOUT9_SILENT_WRONG_DATES = 1  # 2 before parse14
WHOLE_WITH_HELDOUT9_2026_12_04 = {  # 155 documents, 385 items, 685 expected drafts (all but tuning2), after parse16
    "draft_count": 0.9351,  # 0.8961 after parse14
    "lead": 0.9109,
    "coordinating": 0.9343,
    "due": 0.9387,
    "all_fields": 0.8759,
    "items_right": 0.8727,  # 0.8208 after parse14
    "start": 0.9985,
}
# 2026-12-04 (parse16): 33 items (28 expected drafts) from 6 more documents (split "tuning2": the notice 624/TB-VPCP,
# the telegrams 226, 227 and 229/CĐ-TTg of November 2025, and 13/CĐ-TTg and 425/TB-VPCP as quoted by legal Q&A
# pages), chosen for sentences that give no task beside ordinary tasks, recorded and committed before the parser
# was run on them, scored once (items right 0.4848, draft count 0.5758, lead 0.8571), then tuned on. The floor
# is the figure after parse16's rules (tests/test_drafting_rules_parse16.py).
TUNING2_2026_12_04 = {  # the eleventh collection alone (6 documents, 33 items, 28 expected drafts), tuned on
    "draft_count": 1.0,
    "lead": 1,
    "coordinating": 1.0,
    "due": 0.9643,
    "all_fields": 0.9643,
    "items_right": 0.9697,
    "start": 1.0,
}
WHOLE_WITH_TUNING2_2026_12_04 = {  # 161 documents, 418 items, 713 drafts (all but tuning3), after parse17
    "draft_count": 0.9402,
    "lead": 0.9144,  # 0.892 before parse17
    "coordinating": 0.9369,
    "due": 0.9397,
    "all_fields": 0.8794,  # 0.8527 before parse17
    "items_right": 0.8804,
    "start": 0.9986,
}
# 2026-12-04 (parse17): 24 items (33 expected drafts) from 2 more documents (split "tuning3": the telegrams 220 and
# 225/CĐ-TTg of November 2025), chosen for joint leads, lists of ministries and groups and the heads of several
# bodies, recorded and committed before the parser was run on them, scored once (items right 0.4583, draft count
# 0.625, lead 0.6667), then tuned on. The floor is the figure after parse17's rules (test_drafting_rules_parse17.py).
TUNING3_2026_12_04 = {  # the twelfth collection alone (2 documents, 24 items, 33 expected drafts), tuned on
    "draft_count": 1,
    "lead": 1.0,
    "coordinating": 1.0,
    "due": 0.9697,
    "all_fields": 0.9697,
    "items_right": 0.9583,
    "start": 1,
}
WHOLE_WITH_TUNING3_2026_12_04 = {  # the whole corpus (163 documents, 442 items, 746 drafts), after parse17
    "draft_count": 0.9434,
    "lead": 0.9182,
    "coordinating": 0.9397,
    "due": 0.941,
    "all_fields": 0.8834,
    "items_right": 0.8846,
    "start": 0.9987,
}
WHOLE_WITH_HELDOUT9_SILENT_WRONG_DATES = 6  # 12 before parse14, 9 after it, 6 after parse15
# 2026-12-06: 47 items (87 expected drafts) from 8 more documents (split "heldout10": the Ministry of Construction's
# telegram 96/CĐ-BXD, Cần Thơ's directive 09/CT-UBND, the plans 0130/KH-UBND of Đắk Lắk, 1026/KH-UBND of Nghệ An,
# 141/KH-UBND of Bắc Ninh, 235/KH-UBND of Thanh Hóa and 308/KH-UBND of Hà Nội, all of November 2025, and a Lai Châu
# letter of 2018), recorded and committed before the parser was run on them, then scored once with main's parser at
# 53aeb77: 55.3% items right. These floors are that run; heldout10 is never tuned on (only its aggregates are read).
HELDOUT10_2026_12_06 = {  # the collection of 2026-12-06, held out (8 documents, 47 items, 87 expected drafts)
    "draft_count": 0.7234,
    "lead": 0.8161,
    "coordinating": 0.7356,
    "due": 0.8851,
    "all_fields": 0.6897,
    "items_right": 0.5532,
    "start": 1.0,
}
HELDOUT10_SILENT_WRONG_DATES = 1
# The same collection's other half (split "tuning4": the letter 11554/VPCP-V.I, Đắk Lắk's directive 012/CT-UBND and
# plan 0129/KH-UBND, the plans 159/KH-UBND of Cần Thơ and 624/KH-UBND of Hà Tĩnh, all of November 2025), recorded and
# scored once the same way: 67.5% items right. For the parser helpers to tune on; raise the floor when they do.
TUNING4_2026_12_06 = {  # 5 documents, 40 items, 112 expected drafts; raised after parse20 (67.5% before)
    "draft_count": 1,
    "lead": 1,
    "coordinating": 1,
    "due": 1,
    "all_fields": 1,
    "items_right": 1,
    "start": 1,
}
TUNING5_2026_12_08 = {  # 3 documents, 48 items, 114 expected drafts; scored once before any tuning (tune5)
    "draft_count": 0.6458,
    "lead": 0.7017,
    "coordinating": 0.7631,
    "due": 0.8859,
    "all_fields": 0.6228,
    "items_right": 0.4583,
    "start": 1,
}
WHOLE_WITH_TUNING4_2026_12_06 = {  # the whole corpus (176 documents, 529 items, 945 drafts), after parse20
    "draft_count": 0.9282,
    "lead": 0.9185,
    "coordinating": 0.928,
    "due": 0.9429,
    "all_fields": 0.8794,
    "items_right": 0.8639,
    "start": 0.9989,
}
WHOLE_WITH_TUNING4_SILENT_WRONG_DATES = 7  # heldout10's one added to the 6 above
# 2026-12-07: 45 items (69 expected drafts) from 8 more documents (split "heldout11": the Prime Minister's directives
# 11/CT-TTg of 2020 (Covid-19 and the economy) and 21/CT-TTg of 2026 (villages and part-time commune workers), the VPCP
# letters 4396/VPCP-NC and 6365/VPCP-KGVX of 2015, 1582/VPCP-KGVX of 2019, 515 and 3298/VPCP-NN of 2021, and Thừa Thiên
# Huế's letter 11413/UBND-ĐC of 2020), recorded and committed before the parser was run on them, then scored once with
# main's parser at c8d27ae: 64.4% items right. These floors are that run; heldout11 is never tuned on (aggregates only).
HELDOUT11_2026_12_07 = {  # the thirteenth collection, held out (8 documents, 45 items, 69 expected drafts)
    "draft_count": 0.8667,
    "lead": 0.8841,
    "coordinating": 0.913,
    "due": 0.8841,
    "all_fields": 0.7681,
    "items_right": 0.6444,
    "start": 1.0,
}
HELDOUT11_SILENT_WRONG_DATES = 2
WHOLE_WITH_HELDOUT11_2026_12_07 = {  # the whole corpus (184 documents, 574 items, 1014 drafts), the same run
    "draft_count": 0.9233,
    "lead": 0.9162,
    "coordinating": 0.927,
    "due": 0.9389,
    "all_fields": 0.8718,
    "items_right": 0.8467,
    "start": 0.999,
}
WHOLE_WITH_HELDOUT11_SILENT_WRONG_DATES = 9  # heldout11's two added to the 7 above
# 2026-12-07 (corpus14): 45 items (94 expected drafts) from 11 more documents (split "heldout12": the Prime
# Minister's telegrams 27, 138 and 159/CĐ-TTg and letter 1531/TTg-CN of 2025, the VPCP letters 12118 and
# 11582/VPCP-KTTH of 2025 and 3796/VPCP-CN of 2018, Đồng Nai's letter 11016/UBND-KTNS, Bắc Ninh's 4858/UBND-KTTH,
# Quảng Ngãi's notice 393/TB-UBND and Hà Nội's telegram 04/CĐ-UBND of 2025), recorded and committed before the
# parser was run on them, then scored once with main's parser at 836abb0 (branch corpus14 at f4bd82b): 48.9% items
# right. These floors are that run; heldout12 is never tuned on (aggregates only).
HELDOUT12_2026_12_07 = {  # the fourteenth collection, held out (11 documents, 45 items, 94 expected drafts)
    "draft_count": 0.7333,
    "lead": 0.7021,
    "coordinating": 0.6702,
    "due": 0.7979,
    "all_fields": 0.4894,
    "items_right": 0.4889,
    "start": 0.9681,
}
HELDOUT12_SILENT_WRONG_DATES = 2
WHOLE_WITH_HELDOUT12_2026_12_07 = {  # the whole corpus (195 documents, 619 items, 1108 drafts), the same run
    "draft_count": 0.9095,
    "lead": 0.898,
    "coordinating": 0.9052,
    "due": 0.9269,
    "all_fields": 0.8394,
    "items_right": 0.8207,
    "start": 0.9964,
}
WHOLE_WITH_HELDOUT12_SILENT_WRONG_DATES = 11  # heldout12's two added to the 9 above
# parse19 (2026-12-06: draft count and due dates, tests/test_drafting_rules_parse19.py; heldout8 and heldout9 scored
# only, never read): every floor above that rose was raised to the figure after those rules; none fell.
# parse21 (2026-12-06: closing paragraphs, urged bodies, one directive over several paragraphs, the reports'
# deadline; tests/test_drafting_rules_parse21.py; heldout8-10 scored only): every floor that rose was raised to the
# figure after those rules (heldout6 back to 1.0 on draft count and due, its parse18 note now void); none fell.
# parse11 (2026-12-03, night): every wrong date carries a flag (tests/test_drafting_rules_parse11.py); the
# floors above were raised to the figures after those rules.
WHOLE_SILENT_WRONG_DATES = 0  # a ceiling for the whole corpus (2 before parse11): may only stay at 0
BASELINE_SILENT_WRONG_DATES = 0  # a ceiling (18 on the first run, 4 when the last 54 items came, 1 before parse11)


@pytest.fixture(scope="module")
def documents():
    return load_corpus(DEFAULT_CORPUS)


_WHOLE_SCORES = {}


def part_of_corpus(documents, part) -> Score:
    """The scores of ``part`` (documents of ``documents``), taken from one scoring of the whole corpus.

    Every floor below scores its part over the whole corpus's registry, so an item's drafts are the same
    whichever part it is scored in: the corpus is parsed once per run (each part parsed again made this
    file most of the suite's time, twice in CI)."""
    whole = _WHOLE_SCORES.get(id(documents))
    if whole is None:
        whole = _WHOLE_SCORES[id(documents)] = score_corpus(documents)
    items = {id(item) for document in part for item in document.items}
    results = [r for r in whole.results if id(r.item) in items]
    return Score(results=results, documents=len(part), registry=whole.registry, agencies=whole.agencies)


@pytest.fixture(scope="module")
def figures(documents):
    return part_of_corpus(documents, documents).figures()


def test_the_corpus_is_real_documents_of_several_kinds_and_years(documents):
    assert len(documents) >= 30
    assert sum(len(d.items) for d in documents) >= 150  # the issue asks for 150 items from 30 documents
    years = {d.issued.year for d in documents}
    assert len(years) >= 8 and min(years) >= 2015
    numbers = {d.number for d in documents}
    assert any("TB-" in n for n in numbers) and any("VPCP-" in n for n in numbers)
    assert any("CĐ-TTg" in n for n in numbers) and any("UBND-" in n for n in numbers)
    for document in documents:
        # One news copy whose page address could not be found says so; every other source is a page.
        assert document.address.startswith("http") or "no page address recorded" in document.address, document.path
    # Three: the news copy of 134/CĐ-TTg, the repository transcription of 6240/BGDĐT-KHCNTT (heldout5) and
    # the page of 9892/VPCP-QHĐP the search tool gave without its address (heldout6).
    assert sum(not d.address.startswith("http") for d in documents) <= 3


def test_every_name_the_clerk_expects_is_in_the_registry(documents):
    """So that a name the parser does not match is the parser's fault, not the registry's."""
    registry, codes = corpus_registry(documents)
    known = {a.code for a in registry}
    for document in documents:
        for item in document.items:
            for draft in item.expected:
                for name in [draft.lead, *draft.coordinating]:
                    if name:
                        assert codes[fold_key(name)] in known, name


def test_the_scores_are_reported_per_field_and_per_class(figures):
    assert set(figures["scores"]) == set(BASELINE_2026_12_03) == set(WHOLE_WITH_HELDOUT6_2026_12_03)
    assert figures["items"] == 667 and figures["expected_drafts"] == 1222
    for name in ("deadline-clause", "second-verb", "list-after-colon", "province-in-name", "joint-lead", "narrative"):
        entry = figures["classes"][name]
        assert 0 <= entry["right"] <= entry["items"]
    wrong = round(figures["items"] * (1 - figures["scores"]["items_right"]))
    assert len(figures["failures"]) + figures["sealed_failures"] == wrong and figures["sealed_failures"] > 0
    for failure in figures["failures"]:
        assert failure["reasons"], failure


def test_the_sealed_splits_failures_are_counted_never_printed(capsys):
    # heldout9-12 are the held-out measure: a report of the whole corpus must not show their items' failures.
    call_command("score_drafting", "--split", "heldout12", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["items"] == 45 and printed["failures"] == [] and printed["sealed_failures"] >= 1
    call_command("score_drafting", "--split", "heldout12")
    assert "more in the sealed splits, not shown" in capsys.readouterr().out
    tunable = load_corpus(DEFAULT_CORPUS, split="tunable")
    assert {d.split for d in tunable}.isdisjoint(SEALED_SPLITS) and "heldout8" in {d.split for d in tunable}


def test_the_parser_does_not_fall_below_the_baseline(documents, figures):
    assert figures["items"] == 667
    # tuning5 (2026-12-08) came after this floor was set: the floor holds for the corpus it was set on.
    up_to_heldout12 = [d for d in documents if d.split != "tuning5"]
    whole = part_of_corpus(documents, up_to_heldout12).figures()
    assert whole["items"] == 619
    for field, floor in WHOLE_WITH_HELDOUT12_2026_12_07.items():
        assert whole["scores"][field] >= floor, (field, whole["scores"][field], floor)
    assert whole["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT12_SILENT_WRONG_DATES
    up_to_heldout11 = [d for d in up_to_heldout12 if d.split != "heldout12"]
    scores = part_of_corpus(documents, up_to_heldout11).figures()
    assert scores["items"] == 574 and scores["expected_drafts"] == 1014
    for field, floor in WHOLE_WITH_HELDOUT11_2026_12_07.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT11_SILENT_WRONG_DATES
    up_to_tuning4 = [d for d in up_to_heldout11 if d.split != "heldout11"]
    scores = part_of_corpus(documents, up_to_tuning4).figures()
    assert scores["items"] == 529
    for field, floor in WHOLE_WITH_TUNING4_2026_12_06.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_TUNING4_SILENT_WRONG_DATES
    up_to_tuning3 = [d for d in up_to_tuning4 if d.split not in ("heldout10", "tuning4")]
    scores = part_of_corpus(documents, up_to_tuning3).figures()
    assert scores["items"] == 442
    for field, floor in WHOLE_WITH_TUNING3_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT9_SILENT_WRONG_DATES
    up_to_tuning2 = [d for d in up_to_tuning3 if d.split != "tuning3"]
    scores = part_of_corpus(documents, up_to_tuning2).figures()
    assert scores["items"] == 418
    for field, floor in WHOLE_WITH_TUNING2_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT9_SILENT_WRONG_DATES
    up_to_heldout9 = [d for d in up_to_tuning2 if d.split != "tuning2"]
    scores = part_of_corpus(documents, up_to_heldout9).figures()
    assert scores["items"] == 385
    for field, floor in WHOLE_WITH_HELDOUT9_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT9_SILENT_WRONG_DATES
    up_to_heldout8 = [d for d in up_to_heldout9 if d.split != "heldout9"]
    scores = part_of_corpus(documents, up_to_heldout8).figures()
    assert scores["items"] == 327
    for field, floor in WHOLE_WITH_HELDOUT8_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT8_SILENT_WRONG_DATES
    up_to_heldout7 = [d for d in up_to_heldout8 if d.split != "heldout8"]
    scores = part_of_corpus(documents, up_to_heldout7).figures()
    assert scores["items"] == 283
    for field, floor in WHOLE_WITH_HELDOUT7_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_WITH_HELDOUT7_SILENT_WRONG_DATES
    before_heldout7 = [d for d in up_to_heldout7 if d.split != "heldout7"]
    scores = part_of_corpus(documents, before_heldout7).figures()
    assert scores["items"] == 219
    for field, floor in WHOLE_WITH_HELDOUT6_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= WHOLE_SILENT_WRONG_DATES
    before_heldout6 = [d for d in before_heldout7 if d.split != "heldout6"]
    scores = part_of_corpus(documents, before_heldout6).figures()
    assert scores["items"] == 209
    for field, floor in WHOLE_WITH_HELDOUT5_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= BASELINE_SILENT_WRONG_DATES
    before_heldout5 = [d for d in before_heldout6 if d.split != "heldout5"]
    scores = part_of_corpus(documents, before_heldout5).figures()
    assert scores["items"] == 198
    for field, floor in WHOLE_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    earlier = [d for d in before_heldout5 if d.split != "heldout4"]
    scores = part_of_corpus(documents, earlier).figures()
    assert scores["items"] == 173
    for field, floor in BASELINE_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)


def test_the_fifth_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout4"]
    assert len(held_out) >= 8 and sum(len(d.items) for d in held_out) >= 25
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT4_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_sixth_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout5"]
    assert len(held_out) >= 9 and sum(len(d.items) for d in held_out) >= 11
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT5_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_seventh_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout6"]
    assert len(held_out) >= 10 and sum(len(d.items) for d in held_out) >= 10
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT6_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_eighth_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout7"]
    assert len(held_out) >= 10 and sum(len(d.items) for d in held_out) >= 40
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT7_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT7_SILENT_WRONG_DATES


def test_the_ninth_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout8"]
    assert len(held_out) >= 10 and sum(len(d.items) for d in held_out) >= 40
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT8_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT8_SILENT_WRONG_DATES


def test_the_tenth_collection_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout9"]
    assert len(held_out) >= 12 and sum(len(d.items) for d in held_out) >= 45
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT9_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT9_SILENT_WRONG_DATES


def test_the_eleventh_collection_does_not_fall_below_its_floor(documents):
    tuning2 = [d for d in documents if d.split == "tuning2"]
    assert len(tuning2) >= 6 and sum(len(d.items) for d in tuning2) >= 30
    scores = part_of_corpus(documents, tuning2).figures()
    for field, floor in TUNING2_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_twelfth_collection_does_not_fall_below_its_floor(documents):
    tuning3 = [d for d in documents if d.split == "tuning3"]
    assert len(tuning3) >= 2 and sum(len(d.items) for d in tuning3) >= 20
    scores = part_of_corpus(documents, tuning3).figures()
    for field, floor in TUNING3_2026_12_04.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_collection_of_2026_12_06_held_out_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout10"]
    assert len(held_out) >= 8 and sum(len(d.items) for d in held_out) >= 45
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT10_2026_12_06.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT10_SILENT_WRONG_DATES


def test_the_collection_of_2026_12_06_to_tune_on_does_not_fall_below_its_floor(documents):
    tuning4 = [d for d in documents if d.split == "tuning4"]
    assert len(tuning4) >= 5 and sum(len(d.items) for d in tuning4) >= 40
    scores = part_of_corpus(documents, tuning4).figures()
    for field, floor in TUNING4_2026_12_06.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_collection_of_2026_12_08_to_tune_on_does_not_fall_below_its_floor(documents):
    tuning5 = [d for d in documents if d.split == "tuning5"]
    assert len(tuning5) >= 3 and sum(len(d.items) for d in tuning5) >= 40
    scores = part_of_corpus(documents, tuning5).figures()
    for field, floor in TUNING5_2026_12_08.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] == 0


def test_the_thirteenth_collection_held_out_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout11"]
    assert len(held_out) >= 8 and sum(len(d.items) for d in held_out) >= 40
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT11_2026_12_07.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT11_SILENT_WRONG_DATES


def test_the_fourteenth_collection_held_out_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout12"]
    assert len(held_out) >= 8 and sum(len(d.items) for d in held_out) >= 40
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT12_2026_12_07.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= HELDOUT12_SILENT_WRONG_DATES


def test_the_held_out_split_does_not_fall_below_its_floor(documents):
    """Scored over the whole corpus's registry, like the command's --split heldout."""
    held_out = [d for d in documents if d.split == "heldout"]
    assert len(held_out) >= 10 and all(d.split in SPLITS for d in documents)
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT_2026_12_02.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= BASELINE_SILENT_WRONG_DATES


def test_the_third_held_out_split_does_not_fall_below_its_floor(documents):
    held_out = [d for d in documents if d.split == "heldout3"]
    assert len(held_out) >= 10 and sum(len(d.items) for d in held_out) >= 35
    scores = part_of_corpus(documents, held_out).figures()
    for field, floor in HELDOUT3_2026_12_03.items():
        assert scores["scores"][field] >= floor, (field, scores["scores"][field], floor)
    assert scores["silent_wrong_dates"] <= BASELINE_SILENT_WRONG_DATES


def test_the_command_scores_one_split(capsys):
    call_command("score_drafting", "--split", "heldout", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["items"] == 39 and printed["scores"]["items_right"] >= HELDOUT_2026_12_02["items_right"]
    with pytest.raises(CommandError):
        call_command("score_drafting", "--split", "elsewhere")


def test_a_split_and_a_start_date_are_read_and_checked(tmp_path):
    record = {
        "source": {"kind": "k", "number": "1/TB-X", "date": "2024-01-02", "issuer": "i", "address": "https://x"},
        "issued": "2024-01-02",
        "split": "heldout",
        "items": [
            {"text": "Giao Bộ Y tế chủ trì.", "expected": [{"lead": "Bộ Y tế", "due": None, "starts_on": "2024-02-01"}]}
        ],
    }
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    (document,) = load_corpus(tmp_path)
    assert document.split == "heldout" and document.items[0].expected[0].starts_on == datetime.date(2024, 2, 1)
    assert load_corpus(tmp_path, split="") == [] and len(load_corpus(tmp_path, split="new")) == 1
    record["split"] = "seen"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorpusError, match="split is one of"):
        load_corpus(tmp_path)


def test_the_command_prints_the_same_figures_as_json(documents, capsys):
    # One split (a split is scored over the whole corpus's registry, as here): the whole corpus would be
    # scored again for nothing, the figures fixture's test above compares the scorer on all of it.
    call_command("score_drafting", "--split", "tuning4", "--json")
    printed = json.loads(capsys.readouterr().out)
    expected = part_of_corpus(documents, [d for d in documents if d.split == "tuning4"]).figures()
    assert printed["items"] == expected["items"] == 40
    assert printed["scores"] == expected["scores"]
    assert printed["classes"] == expected["classes"]


def test_the_command_prints_fields_classes_and_failures(capsys):
    call_command("score_drafting", "--split", "tuning4")
    out = capsys.readouterr().out
    for words in ("lead:", "coordinating:", "due date:", "wrong dates without a flag", "Per failure class", "Failures"):
        assert words in out


def test_a_broken_corpus_file_is_a_clear_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("source: {kind: x}\nitems: []\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.yaml: source.number is required"):
        call_command("score_drafting", "--corpus", str(tmp_path))
    with pytest.raises(CommandError, match="not a directory"):
        call_command("score_drafting", "--corpus", str(tmp_path / "missing"))


def test_an_expected_draft_needs_a_due_key_and_one_lead(tmp_path):
    record = {
        "source": {"kind": "k", "number": "1/TB-X", "date": "2024-01-02", "issuer": "i", "address": "https://x"},
        "issued": "2024-01-02",
        "items": [{"text": "Giao Bộ Y tế chủ trì.", "expected": [{"lead": "Bộ Y tế"}]}],
    }
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorpusError, match="'due' is required"):
        load_corpus(tmp_path)
    record["items"][0]["expected"] = [{"lead": "Bộ Y tế", "lead_group": "các Bộ", "due": None}]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorpusError, match="exactly one of 'lead' or 'lead_group'"):
        load_corpus(tmp_path)


def _result(expected, drafts, comparisons):
    item = Item(document="x.yaml", index=1, text="t", classes=("deadline-clause",), expected=expected)
    return ItemResult(item, drafts, Agreement(comparisons, extra_drafts=len(drafts) - len(comparisons)))


def test_an_item_is_right_only_with_one_draft_per_expected_draft_and_every_field_right():
    due = datetime.date(2024, 5, 19)
    draft = Draft(item="", text="t", lead=Unmatched("Bộ Y tế"), deadline=DeadlineResult(due_date=due))
    split = Draft(item="", text="t", lead=Unmatched("Bộ Y tế"))
    expected = [ExpectedDraft(lead="Bộ Y tế", due=due)]
    comparison = Comparison(Expected(key="k", text="t", due_date=due), draft, lead=True, coordinating=True, due=True)
    assert _result(expected, [draft], [comparison]).right
    split_result = _result(expected, [draft, split], [comparison])
    assert not split_result.right and "2 drafts for 1 expected" in split_result.reasons()[0]


def test_a_wrong_date_without_a_flag_is_counted_and_a_required_flag_is_checked():
    wrong = Draft(
        item="", text="t", lead=Unmatched("Bộ Y tế"), deadline=DeadlineResult(due_date=datetime.date(2024, 5, 1))
    )
    expected = [ExpectedDraft(lead="Bộ Y tế", due=datetime.date(2024, 5, 19), must_flag=True)]
    comparison = Comparison(Expected(key="k", text="t"), wrong, lead=True, coordinating=True, due=False)
    result = _result(expected, [wrong], [comparison])
    assert result.silent_wrong_dates == 2  # the silent wrong date, and the flag the clerk needed
    flagged = Draft(item="", text="t", lead=Unmatched("Bộ Y tế"), deadline=DeadlineResult(flags=("before_issue",)))
    comparison = Comparison(Expected(key="k", text="t"), flagged, lead=True, coordinating=True, due=False)
    assert _result(expected, [flagged], [comparison]).silent_wrong_dates == 0


def test_a_narrative_item_is_right_only_without_drafts():
    assert _result([], [], []).right
    stray = Draft(item="", text="t")
    assert not _result([], [stray], []).right


def test_every_item_in_decomposed_unicode_gives_the_same_drafts(documents):
    """A clerk's text may arrive in NFD (copied from a PDF or a Mac): the drafts must not change."""
    import unicodedata

    from directives.drafting import AgencyMatcher, parse_directives

    registry, codes = corpus_registry(documents)
    by_code = {a.code: a for a in registry}
    for document in documents:
        context = by_code.get(codes.get(fold_key(document.context))) if document.context else None
        for item in document.items:
            matcher = AgencyMatcher(registry, context=context, on_date=document.issued)
            composed = parse_directives(item.text, document.issued, matcher=matcher)
            nfd = unicodedata.normalize("NFD", item.text)
            decomposed = parse_directives(nfd, document.issued, matcher=matcher)
            where = (document.path.name, item.index)
            assert [d.to_json() for d in decomposed] == [d.to_json() for d in composed], where
