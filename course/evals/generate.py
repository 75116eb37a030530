"""Write the course's evaluation set: support tickets to classify and messages to extract JSON from.

The items are generated from hand-written phrases with a fixed seed, so the same code always writes
the same files (``course/data/evals/train.jsonl`` and ``eval.jsonl``). Two splits, never mixed:
the **train** split is what ``scripts/train_embedded_model.py`` teaches the course models; the
**eval** split is what the labs score them on. No eval text appears in the train split.

Hard items are marked: a classification ticket whose first clause names another department's
problem (and rules it out) before the real one, and an extraction message with a second order
number, a second e-mail address, or no amount at all. Run ``python -m course.evals.generate --help``.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 20261202
CATEGORIES = ("billing", "technical", "account", "shipping")
N_TRAIN_PER_KIND = 300  # per task and difficulty
N_EVAL_PER_KIND = 60

NAMES = (
    "ana", "ben", "chen", "dana", "eli", "fatima", "gus", "hana", "ivan", "jo", "kofi", "lena",
    "marta", "nils", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vera", "wei", "yusuf",
)  # fmt: skip
DOMAINS = ("example.com", "mail.net", "shop.io", "acme.org", "post.eu", "corp.co")
CITIES = ("Leeds", "Lyon", "Porto", "Graz", "Cork", "Turin", "Ghent", "Malmo")
FEATURES = ("reports", "settings", "dashboard", "export", "calendar", "search")
PLANS = ("basic", "team", "pro")

# What each department hears, said plainly (the core of an easy ticket).
CORE: dict[str, tuple[str, ...]] = {
    "billing": (
        "I was charged twice for my {plan} plan this month.",
        "My card was billed {amount} but the plan costs less.",
        "Please send me the invoice for last month.",
        "Why did the price of my subscription go up?",
        "I cancelled but you still took a payment of {amount}.",
        "The VAT on my invoice is wrong.",
        "Can I pay by bank transfer instead of card?",
        "I need a refund of {amount} for the {plan} plan.",
    ),
    "technical": (
        "The app crashes when I open the {feature} page.",
        "I get error {code} when I upload a file.",
        "The {feature} page is blank since the last update.",
        "Sync stopped working on my laptop.",
        "The export to CSV hangs at zero percent.",
        "Push notifications never show up on my phone.",
        "The {feature} page is very slow to load.",
        "The API returns error {code} for every request.",
    ),
    "account": (
        "I cannot log in and the reset email never arrives.",
        "Please change the email on my account to {email}.",
        "How do I add a second user to my team?",
        "My account is locked after too many attempts.",
        "I want to delete my account and my data.",
        "My colleague cannot join the workspace I invited her to.",
        "Two-factor codes from my old phone no longer work.",
        "Please move the admin rights from {name} to me.",
    ),
    "shipping": (
        "My parcel has not arrived and tracking says it left {city} a week ago.",
        "The box arrived damaged.",
        "Do you ship to {city}?",
        "Tracking shows delivered but I have nothing.",
        "The courier left my package with a neighbour.",
        "My order is stuck at the depot in {city}.",
        "I received the wrong item in the box.",
        "Can I change the delivery address of my order?",
    ),
}
# A first clause that names a department's topic and rules it out (the trap of a hard ticket).
RULED_OUT: dict[str, tuple[str, ...]] = {
    "billing": (
        "The invoice was correct and I paid it,",
        "This is not about the charge of {amount},",
        "My payment went through fine,",
        "Billing is all sorted now,",
    ),
    "technical": (
        "The app works fine and there is no error,",
        "This is not a bug or a crash,",
        "The {feature} page loads fine now,",
        "Nothing is broken in the app,",
    ),
    "account": (
        "I can log in fine,",
        "My password and login are ok,",
        "This is not about my account settings,",
        "The team access is sorted,",
    ),
    "shipping": (
        "The parcel arrived on time,",
        "This is not about delivery,",
        "Tracking and the courier were fine,",
        "The box came in one piece,",
    ),
}
CONNECTORS = (" but", " however", " the real problem:")
OPENERS = ("", "Hi, ", "Hello, ", "Hi team, ")
CLOSERS = ("", " Thanks.", " Please help.", " Thank you!")


def _fill(rng: random.Random, text: str) -> str:
    return text.format(
        plan=rng.choice(PLANS),
        amount=_amount(rng),
        feature=rng.choice(FEATURES),
        code=rng.choice((401, 403, 404, 500, 502, 503)),
        email=_email(rng),
        name=rng.choice(NAMES).title(),
        city=rng.choice(CITIES),
    )


def _amount(rng: random.Random) -> str:
    return f"USD {rng.randint(5, 480)}.{rng.choice(('00', '50', '99', '25'))}"


def _email(rng: random.Random) -> str:
    return f"{rng.choice(NAMES)}@{rng.choice(DOMAINS)}"


def _order_id(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGHKLMNPRST')}{rng.choice('ABCDEFGHKLMNPRST')}-{rng.randint(1000, 9999)}"


def classification_item(rng: random.Random, *, hard: bool) -> dict:
    label = rng.choice(CATEGORIES)
    core = _fill(rng, rng.choice(CORE[label]))
    if hard:
        trap = rng.choice([c for c in CATEGORIES if c != label])
        first = _fill(rng, rng.choice(RULED_OUT[trap]))
        core = core[0].lower() + core[1:]
        text = f"{first}{rng.choice(CONNECTORS)} {core}"
    else:
        text = core
    opener = rng.choice(OPENERS)
    if opener:
        text = text[0].lower() + text[1:]
    text = f"{opener}{text}{rng.choice(CLOSERS)}".strip()
    text = text[0].upper() + text[1:]
    return {
        "task": "classify",
        "difficulty": "hard" if hard else "easy",
        "input": text,
        "expected": {"category": label},
    }


def extraction_item(rng: random.Random, *, hard: bool) -> dict:
    order, email = _order_id(rng), _email(rng)
    amount_text = _amount(rng)
    amount: float | None = float(amount_text.split()[1])
    parts = [
        rng.choice((f"Order {order}", f"The order {order}", f"My order {order}")),
        rng.choice((f"was charged {amount_text}", f"cost {amount_text}", f"came to {amount_text}")),
        rng.choice((f"Write to {email}", f"My email is {email}", f"Reply to {email}")),
    ]
    if hard:
        trick = rng.choice(("other_order", "other_email", "no_amount"))
        if trick == "other_order":
            parts[0] = f"Not order {_order_id(rng)} but order {order}"
        elif trick == "other_email":
            parts[2] = f"Reply to {email}, not my old {_email(rng)}"
        else:
            parts[1] = rng.choice(("has no charge yet", "was not billed yet"))
            amount = None
    text = f"{parts[0]} {parts[1]}. {parts[2]}."
    if rng.random() < 0.5:  # the e-mail first, in half of the messages
        text = f"{parts[2]}. {parts[0]} {parts[1]}."
    return {
        "task": "extract",
        "difficulty": "hard" if hard else "easy",
        "input": text,
        "expected": {"order_id": order, "email": email, "amount_usd": amount},
    }


def generate(*, seed: int = SEED) -> dict[str, list[dict]]:
    """The train and eval splits: per task and difficulty, N_TRAIN / N_EVAL items, no shared text."""
    rng = random.Random(seed)
    splits: dict[str, list[dict]] = {"train": [], "eval": []}
    seen: set[str] = set()
    for task, make in (("classify", classification_item), ("extract", extraction_item)):
        for hard in (False, True):
            for split, n in (("eval", N_EVAL_PER_KIND), ("train", N_TRAIN_PER_KIND)):
                made = 0
                while made < n:
                    item = make(rng, hard=hard)
                    if item["input"] in seen:
                        continue
                    seen.add(item["input"])
                    made += 1
                    item["id"] = f"{split}-{task}-{item['difficulty']}-{made:03d}"
                    splits[split].append(item)
    for items in splits.values():
        for item in items:
            item["split"] = "train" if item["id"].startswith("train") else "eval"
    return splits


def write(directory: Path, *, seed: int = SEED) -> dict[str, Path]:
    """Write ``train.jsonl`` and ``eval.jsonl`` under ``directory``; returns split -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    keys = ("id", "split", "task", "difficulty", "input", "expected")
    for split, items in generate(seed=seed).items():
        path = directory / f"{split}.jsonl"
        lines = [json.dumps({k: item[k] for k in keys}, ensure_ascii=False) for item in items]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out[split] = path
    return out


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parent.parent / "data" / "evals"
    parser = argparse.ArgumentParser(description="Write the course's evaluation set (train and eval splits).")
    parser.add_argument("--out", type=Path, default=default, help="folder to write (%(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (%(default)s)")
    args = parser.parse_args(argv)
    for split, path in write(args.out, seed=args.seed).items():
        n = sum(1 for _ in path.open(encoding="utf-8"))
        print(f"{split}: {n} items -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
