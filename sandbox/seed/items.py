"""Items of the seeded business as each ledger holds them.

Most reference items (``sandbox.seed.reference.ITEMS``) are on both sides. Both price lists were kept by hand, so
one shared item differs: its unit price or its description was changed on one side only (tag ``unit_price:<side>``
or ``description:<side>``, the side holding the changed copy). Each side also has an item the other lacks: Xero a
"Photography day" the studio resells (tag ``only_xero``), QuickBooks a "Rush fee" (``only_quickbooks``). Document
lines use the shared items only.

Ids: Xero ``stable_uuid("item", code)`` as for the reference items; QuickBooks Ids from 20 on (the reference items
use 3 to 10, and 11 is QuickBooks' own "Other income" account item).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from decimal import Decimal

from sandbox.seed import reference
from sandbox.seed.model import SeedItem

FIRST_QB_ITEM_ID = 20
# (code, name, price, sales account, purchase account, tax type, the only side holding it)
_ONE_SIDED = [
    ("PHOTO-DAY", "Photography day", "450.00", "200", "310", "OUTPUT2", "xero"),
    ("RUSH-FEE", "Rush fee", "150.00", "260", None, "OUTPUT2", "quickbooks"),
]
# the shared items whose copies may differ, and how the changed copy reads
_CHANGES = {
    "SUPPORT-M": (Decimal("275.00"), "Website support and hosting (monthly)"),
    "WORKSHOP": (Decimal("1350.00"), "Discovery workshop (half day)"),
    "BRAND-PKG": (Decimal("4800.00"), "Brand identity package incl. guidelines"),
    "PRINT-RUN": (Decimal("42.00"), "Print run per 100 (digital)"),
}


@dataclass
class ItemPlan:
    """The two sides' item lists and the truth about them."""

    xero: list[SeedItem] = field(default_factory=list)
    quickbooks: list[SeedItem] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)

    def on(self, side: str) -> list[SeedItem]:
        return self.xero if side == "xero" else self.quickbooks


def plan_items(rng: random.Random) -> ItemPlan:
    plan = ItemPlan()
    code = rng.choice(sorted(_CHANGES))
    what = rng.choice(["unit_price", "description"])
    side = rng.choice(["xero", "quickbooks"])
    price, description = _CHANGES[code]
    for it in reference.ITEMS:
        plan.tags[it.code] = []
        for s in ("xero", "quickbooks"):
            copy = it
            if it.code == code and s == side:
                copy = dataclasses.replace(it, unit_price=price) if what == "unit_price" else \
                    dataclasses.replace(it, description=description)
            plan.on(s).append(copy)
    plan.tags[code].append(f"{what}:{side}")
    qb_id = FIRST_QB_ITEM_ID
    for item_code, name, unit, sales, purchase, tax, only in _ONE_SIDED:
        on_qb = only == "quickbooks"
        item = SeedItem(code=item_code, name=name, description=name, unit_price=Decimal(unit),
                        sales_account_code=sales, purchase_account_code=purchase, tax_type=tax,
                        qb_id=str(qb_id) if on_qb else None,
                        xero_id=None if on_qb else reference.stable_uuid("item", item_code))
        if on_qb:
            qb_id += 1
        plan.on(only).append(item)
        plan.tags[item_code] = [f"only_{only}"]
    return plan


def truth_items(plan: ItemPlan) -> list[dict[str, object]]:
    x = {i.code: i for i in plan.xero}
    q = {i.code: i for i in plan.quickbooks}
    rows = []
    for code in sorted(plan.tags):
        a, b = x.get(code), q.get(code)
        rec = a or b
        assert rec is not None
        rows.append({"key": code, "match": "pair" if a and b else "single",
                     "xero_id": a.xero_id if a else None, "qb_id": b.qb_id if b else None,
                     "xero_name": a.name if a else None, "qb_name": b.name if b else None,
                     "xero_price": f"{a.unit_price:.2f}" if a else None,
                     "qb_price": f"{b.unit_price:.2f}" if b else None,
                     "differences": sorted(plan.tags[code])})
    return rows
