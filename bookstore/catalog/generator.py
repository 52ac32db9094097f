"""Generates the sample catalog: the same books for the same count and day, every run."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bookstore.catalog.plurals import plural
from bookstore.catalog.vocabulary import CLASSICS, FIRST_NAMES, GENRES, LAST_NAMES, PLACES
from functions.books.isbn import isbn13_check_digit

SEED = 20261122


@dataclass(frozen=True, slots=True)
class SampleBook:
    isbn: str
    title: str
    author: str
    description: str
    genre: str
    price: Decimal
    stock: int
    release_date: date | None


def sample_isbn(number: int) -> str:
    first_twelve = f"9798{number:08d}"
    return first_twelve + isbn13_check_digit(first_twelve)


def _author(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return (
        f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if rng.random() < 0.2
        else f"{first} {last}"
    )


def _title(rng: random.Random, adjectives: tuple[str, ...], nouns: tuple[str, ...]) -> str:
    adjective, noun, place = rng.choice(adjectives), rng.choice(nouns), rng.choice(PLACES)
    patterns = (
        f"The {adjective} {noun}",
        f"{noun} of {place}",
        f"The {noun} of {place}",
        f"A {adjective} {noun}",
        f"{adjective} {plural(noun)}",
        f"The {noun}'s {rng.choice(nouns)}",
        f"{rng.choice(FIRST_NAMES)} and the {adjective} {noun}",
    )
    return rng.choice(patterns)


def _description(rng: random.Random, sentences: tuple[str, ...], nouns: tuple[str, ...]) -> str:
    chosen = rng.sample(sentences, k=min(len(sentences), rng.randint(1, 3)))
    return " ".join(
        s.format(
            name=rng.choice(FIRST_NAMES), place=rng.choice(PLACES), noun=rng.choice(nouns).lower()
        )
        for s in chosen
    )


def _price(rng: random.Random, genre: str) -> Decimal:
    low, high = (4, 16) if genre in ("Children's", "Poetry") else (7, 45)
    return Decimal(rng.randint(low, high)) + rng.choice(
        (Decimal("0.99"), Decimal("0.49"), Decimal("0.00"))
    )


def _release_date(rng: random.Random, today: date) -> date | None:
    roll = rng.random()
    if roll < 0.06:  # upcoming
        return today + timedelta(days=rng.randint(3, 240))
    if roll < 0.16:  # backlist without a recorded date
        return None
    return today - timedelta(days=rng.randint(0, 365 * 70))


def _stock(rng: random.Random) -> int:
    return 0 if rng.random() < 0.08 else rng.randint(1, 120)


def generate_catalog(count: int, *, today: date, seed: int = SEED) -> Iterator[SampleBook]:
    """`count` books: the classics first, then generated titles across every genre."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    seen: set[tuple[str, str]] = set()
    for number in range(count):
        if number < len(CLASSICS):
            title, author, genre, description = CLASSICS[number]
        else:
            genre = rng.choice(tuple(GENRES))
            adjectives, nouns, sentences = GENRES[genre]
            title, author = _title(rng, adjectives, nouns), _author(rng)
            while (title, author) in seen:
                title = f"{title}, Book {rng.randint(2, 9)}"
            description = _description(rng, sentences, nouns)
        seen.add((title, author))
        yield SampleBook(
            isbn=sample_isbn(number),
            title=title,
            author=author,
            description=description,
            genre=genre,
            price=_price(rng, genre),
            stock=_stock(rng),
            release_date=_release_date(rng, today),
        )
