"""Realistic sample cases submitted through the workflow against the demo library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from teams_app.storage.seed import load_demo_data
from teams_app.workflow import Workflow
from tests.factories import make_user

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "samples"
CASES_PATH = SAMPLES_DIR / "cases.jsonl"

pytestmark = pytest.mark.skipif(
    not CASES_PATH.exists(), reason=f"sample cases not found at {CASES_PATH}"
)


def sample_cases() -> list[dict[str, Any]]:
    lines = CASES_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


async def test_samples_submit_with_library_hits(workflow: Workflow) -> None:
    async with workflow.db.transaction() as session:
        await load_demo_data(session)
    teacher = await make_user(workflow)

    for sample in sample_cases():
        outcome = await workflow.submit_case(teacher, sample)
        assert outcome.case_id is not None, sample["id"]

        view = await workflow.case_view(teacher, outcome.case_id)
        for field in ("essence", "actions_taken", "why_difficult", "question"):
            assert getattr(view.current, field) == sample[field].strip(), (sample["id"], field)
        assert list(view.current.rubrics) == sample["rubrics"], sample["id"]
        hits = await workflow.library_hits(outcome.case_id)
        assert hits, f"{sample['id']}: no library hit"
        sharing = [hit for hit in hits if set(hit.rubrics) & set(sample["rubrics"])]
        assert sharing, f"{sample['id']}: no hit shares a rubric"

    assert len(await workflow.my_cases(teacher)) == len(sample_cases())
