"""The self-check "Is a second opinion worth it for me?": pure logic.

It names which common reasons for a second opinion apply, in plain words,
and suggests next steps. It never weighs treatments or says which one to
choose, and it keeps nothing: the answers live only in the request.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import _l


@dataclass(frozen=True)
class Situation:
    key: str
    label: object  # lazy string: the checkbox, in the reader's own voice
    why: object  # lazy string: why this situation is a common reason
    topic: str  # slug of the topic page that explains more


SITUATIONS: tuple[Situation, ...] = (
    Situation("rare", _l("My cancer is rare, or my doctors say it is unusual."),
              _l("Few doctors see a rare cancer often. A team that sees it every week may know "
                 "more choices."), "when-it-matters-most"),
    Situation("major_surgery", _l("I have been told I need surgery that would change my life."),
              _l("Surgery like this is hard to undo. It is fair to ask another surgeon to look "
                 "first."), "when-it-matters-most"),
    Situation("pathology", _l("My biopsy results were hard to read, or the report says they are "
                              "complex."),
              _l("The plan rests on what the lab saw. Another expert can look at the same slides "
                 "again."), "slides-and-blocks"),
    Situation("stage", _l("I am not sure of my stage, or my doctors are not sure."),
              _l("The stage shapes the plan. A second look at your scans and reports can make it "
                 "clearer."), "when-it-matters-most"),
    Situation("biomarkers", _l("My plan depends on biomarker or gene tests of the tumor."),
              _l("These tests change fast. Another team can check that the right tests were done "
                 "and read the same way."), "what-to-bring"),
    Situation("advanced_surgery", _l("I have been offered a rare or very specialized operation."),
              _l("Results often depend on how often a team does this. A center that does it a lot "
                 "can tell you what to expect."), "major-cancer-centers"),
    Situation("transplant", _l("A stem cell or bone marrow transplant has been mentioned."),
              _l("A transplant is a big step. A team that does many of them can talk it through "
                 "with you."), "major-cancer-centers"),
    Situation("trial", _l("I would like to know if a clinical trial could fit me."),
              _l("Trials differ from place to place. A large center may run trials your own "
                 "hospital does not."), "major-cancer-centers"),
    Situation("confused", _l("After my visits I feel confused more than reassured."),
              _l("Feeling unsure is a real reason. A new team may explain things in a way that "
                 "makes sense to you."), "second-opinions-are-normal"),
    Situation("all_options", _l("I would like to know all my options before I start."),
              _l("Hearing another view is a normal way to feel sure about a big choice."),
              "second-opinions-are-normal"),
)

_BY_KEY = {s.key: s for s in SITUATIONS}
CHOICES: list[tuple[str, object]] = [(s.key, s.label) for s in SITUATIONS]


@dataclass(frozen=True)
class Step:
    text: object  # lazy string
    endpoint: str | None = None  # where to go next, if there is a page for it
    slug: str | None = None  # for secondop.learn_topic


@dataclass(frozen=True)
class SelfCheckResult:
    reasons: tuple[Situation, ...]
    urgent: bool
    steps: tuple[Step, ...]

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic pages to read next, without repeats, in the order of the reasons."""
        return tuple(dict.fromkeys(r.topic for r in self.reasons))


def assess(selected: Iterable[str], *, urgent: bool = False) -> SelfCheckResult:
    """Which reasons apply, and the next steps that fit them.

    ``selected`` holds situation keys (unknown keys raise ``ValueError``:
    the form only offers known ones). ``urgent`` means the care team said
    treatment should start very soon."""
    keys = set(selected)
    unknown = keys - _BY_KEY.keys()
    if unknown:
        raise ValueError(f"unknown situations: {sorted(unknown)}")
    reasons = tuple(s for s in SITUATIONS if s.key in keys)

    steps: list[Step] = []
    if urgent:
        steps.append(Step(_l("Ask your care team how long it is safe to wait for a second "
                             "opinion. Many teams can say, and some reviews are done from home."),
                          "secondop.learn_topic", "is-there-time-to-wait"))
    if reasons:
        steps.append(Step(_l("Tell your oncologist you would like a second opinion. Our scripts "
                             "give you words to use."), "secondop.learn_scripts"))
    else:
        steps.append(Step(_l("You can still ask for a second opinion. You do not need a special "
                             "reason. You can also ask your team to explain your plan again."),
                          "secondop.learn_topic", "how-to-ask"))
    steps.append(Step(_l("Ask for copies of your records. Our letter makes it easy."),
                      "secondop.learn_letter"))
    if keys & {"pathology", "biomarkers"}:
        steps.append(Step(_l("Ask the new team if they will look at your slides again, and if any "
                             "tests are still missing."),
                          "secondop.learn_topic", "slides-and-blocks"))
    if keys & {"rare", "advanced_surgery", "transplant", "trial"}:
        steps.append(Step(_l("Look for a cancer center that sees many cases like yours."),
                          "secondop.learn_centers"))
    steps.append(Step(_l("Check what your insurance covers before you book."),
                      "secondop.learn_topic", "checking-insurance"))
    steps.append(Step(_l("Write down your questions for each team."),
                      "secondop.learn_topic", "questions-to-ask"))
    return SelfCheckResult(reasons=reasons, urgent=urgent, steps=tuple(steps))
