"""The budget's default limit is derived from the cost estimate docs/real-aws.md publishes.

The estimate's rows are data in roles/security/defaults/main.yml (security_budget_cost_estimate_usd);
the limit is their sum plus the headroom, computed there. This fails when a row of the documented
table and the data differ, when the documented total is not their sum, or when the default limit
(rendered by Ansible from the role's defaults) is below the documented estimate of the default stack.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "real-aws.md"
DEFAULTS = ROOT / "roles" / "security" / "defaults" / "main.yml"
SPEC = ROOT / "roles" / "security" / "meta" / "argument_specs.yml"


def upper_usd(cell: str) -> int:
    """A table cell's monthly figure, the upper one of a range; "traffic" and "-" are 0."""
    numbers = re.findall(r"\d[\d,]*", cell)
    return int(numbers[-1].replace(",", "")) if numbers else 0


def documented_estimate() -> tuple[dict[str, int], int]:
    """({service: USD} of the table of section 5, the total it states)."""
    text = DOC.read_text()
    section = text[text.index("## 5. Monthly cost"):text.index("## 6.")]
    rows, total = {}, None
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 4 or cells[0] in ("service", "---"):
            continue
        if cells[0] == "**total**":
            total = upper_usd(cells[3])
        else:
            rows[cells[0]] = upper_usd(cells[3])
    assert rows and total is not None, "no cost table in docs/real-aws.md section 5"
    return rows, total


def security_defaults() -> dict:
    return yaml.safe_load(DEFAULTS.read_text())


def default_limit() -> float:
    defaults = security_defaults()
    templar = Templar(loader=DataLoader(), variables=defaults)
    return float(templar.template(trust_as_template(defaults["security_budget_monthly_limit_usd"])))


def test_each_row_of_the_documented_estimate_is_the_budgets_data():
    rows = documented_estimate()[0]
    assert security_defaults()["security_budget_cost_estimate_usd"] == rows


def test_the_documented_total_is_the_sum_of_its_rows():
    rows, total = documented_estimate()
    assert sum(rows.values()) == total


def test_the_default_budget_is_not_below_the_documented_estimate_of_the_default_stack():
    rows, total = documented_estimate()
    headroom = security_defaults()["security_budget_headroom_percent"]
    limit = default_limit()
    assert limit >= total
    assert limit == math.ceil(sum(rows.values()) * (100 + headroom) / 100)
    # The alert (80 % of the limit, the default threshold) goes out no later than the estimate is reached.
    threshold = security_defaults()["security_budget_alert_threshold_percent"]
    assert limit * threshold / 100 >= total - 1


def test_the_role_spec_carries_the_same_estimate():
    spec = yaml.safe_load(SPEC.read_text())["argument_specs"]["main"]["options"]
    assert spec["security_budget_cost_estimate_usd"]["default"] == security_defaults()["security_budget_cost_estimate_usd"]
    assert "default" not in spec["security_budget_monthly_limit_usd"]  # computed, in defaults/main.yml only
    assert str(math.ceil(default_limit())) in spec["security_budget_monthly_limit_usd"]["description"]
