"""The Learn topics: one page each, in reading order.

The words live in the templates (``secondop/learn/topics/<slug>.html``),
every string through the package's translation domain. This module only
knows titles, summaries and order, so the index, the hub crawl test and the
previous/next links all agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _l

ARTICLE = "article"  # the points of the source article
BEYOND = "beyond"  # practical matters the article does not cover


@dataclass(frozen=True)
class Topic:
    slug: str
    title: object  # lazy string
    summary: object  # lazy string
    group: str

    @property
    def template(self) -> str:
        return f"secondop/learn/topics/{self.slug.replace('-', '_')}.html"


TOPICS: tuple[Topic, ...] = (
    Topic("second-opinions-are-normal", _l("Second opinions are normal"),
          _l("Why asking another team is part of good cancer care."), ARTICLE),
    Topic("when-it-matters-most", _l("When another look helps most"),
          _l("The times when another look is most likely to help."), ARTICLE),
    Topic("how-to-ask", _l("How to ask your oncologist"),
          _l("Simple words to use, and what to ask for."), ARTICLE),
    Topic("what-to-bring", _l("What to bring"),
          _l("The records a new team needs, and why each one matters."), ARTICLE),
    Topic("major-cancer-centers", _l("How large cancer centers can help"),
          _l("What big centers offer, and why your local team still matters."), ARTICLE),
    Topic("remote-programs", _l("Second opinions from home"),
          _l("Programs that review your records without a trip."), ARTICLE),
    Topic("when-opinions-differ", _l("When the opinions differ"),
          _l("What to do if two teams say different things."), ARTICLE),
    Topic("a-calm-way-to-see-it", _l("A calm way to think about it"),
          _l("What you gain, whatever the second team says."), ARTICLE),
    Topic("is-there-time-to-wait", _l("Is there time to wait?"),
          _l("How to find out if a short delay is safe for you."), BEYOND),
    Topic("checking-insurance", _l("Checking your insurance"),
          _l("Questions to ask your plan before you book."), BEYOND),
    Topic("questions-to-ask", _l("Questions to ask each team"),
          _l("A list to take to every visit."), BEYOND),
    Topic("getting-your-records", _l("How to get your records"),
          _l("Your right to copies, the time limits, and how to ask."), BEYOND),
    Topic("slides-and-blocks", _l("Pathology slides and tissue blocks"),
          _l("Who keeps your tissue samples, and how they reach a new team."), BEYOND),
)

_BY_SLUG = {t.slug: t for t in TOPICS}


def get_topic(slug: str) -> Topic | None:
    return _BY_SLUG.get(slug)


def neighbours(topic: Topic) -> tuple[Topic | None, Topic | None]:
    """The previous and next topic in reading order."""
    index = TOPICS.index(topic)
    before = TOPICS[index - 1] if index > 0 else None
    after = TOPICS[index + 1] if index + 1 < len(TOPICS) else None
    return before, after


def in_group(group: str) -> list[Topic]:
    return [t for t in TOPICS if t.group == group]
