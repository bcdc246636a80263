"""prefect.yaml: every deployment resolves to a flow that accepts its parameters, on a schedule
that fires after the sessions it needs have closed."""

from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime
from typing import Any

import exchange_calendars as xcals
import pandas as pd
import pytest
import yaml
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.server.schemas.schedules import CronSchedule

from tests.conftest import REPO

SPEC = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = {d["name"]: d for d in SPEC["deployments"]}


def test_prefect_yaml_is_what_prefect_deploy_parses() -> None:
    model = PrefectYamlModel.model_validate(SPEC)
    assert {d.name for d in model.deployments} == {"nightly", "backfill"}
    for deployment in model.deployments:
        assert deployment.work_pool is not None and deployment.work_pool.name == "cntech"


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_entrypoint_is_a_flow_accepting_the_declared_parameters(name: str) -> None:
    deployment: dict[str, Any] = DEPLOYMENTS[name]
    path, _, function = deployment["entrypoint"].partition(":")
    assert (REPO / path).is_file(), f"{deployment['entrypoint']} does not exist"
    flow: Flow[Any, Any] = load_flow_from_entrypoint(f"{REPO / path}:{function}")
    assert isinstance(flow, Flow)
    declared = deployment.get("parameters", {})
    accepted = inspect.signature(flow.fn).parameters
    assert set(declared) <= set(accepted), f"{name}: not flow parameters: " \
        f"{sorted(set(declared) - set(accepted))}"
    # The same validation a worker applies before it starts a run.
    flow.validate_parameters(declared)


def test_backfill_takes_a_date_range() -> None:
    assert {"start", "end"} <= set(DEPLOYMENTS["backfill"]["parameters"])


def test_nightly_runs_live_after_the_us_close_on_shanghai_time() -> None:
    nightly = DEPLOYMENTS["nightly"]
    assert nightly["parameters"]["source"] == "live"
    [schedule] = nightly["schedules"]
    assert schedule["timezone"] == "Asia/Shanghai"
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    # Two weeks either side of the US switch to daylight saving time on 2026-03-08.
    fires = asyncio.run(cron.get_dates(n=12, start=datetime(2026, 3, 1, tzinfo=UTC)))
    nyse = xcals.get_calendar("XNYS", start="2026-02-01", end="2026-04-30")
    for fire in fires:
        assert fire.weekday() in range(1, 6), f"{fire} is not Tuesday to Saturday"
        previous_us_day = pd.Timestamp(fire.date()) - pd.Timedelta(days=1)
        if nyse.is_session(previous_us_day):
            assert nyse.session_close(previous_us_day) < pd.Timestamp(fire), (
                f"{fire} fires before the New York session of {previous_us_day.date()} closed")
