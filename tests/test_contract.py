"""The data contract: data/datapackage.json and data/schemas/ are the one definition of every data
file and extract, checked here with the reference implementation (`frictionless validate`), not
with project code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.dictionary import load_dictionary, render_dictionary
from geo.paths import DATA_DIR, DATAPACKAGE_PATH, DICTIONARY_PATH, REPO_ROOT, SCHEMAS_DIR

FRICTIONLESS = str(Path(sys.executable).with_name("frictionless"))


def frictionless(*args: str, cwd: Path) -> dict:
    done = subprocess.run(
        [FRICTIONLESS, "validate", "--json", "--trusted", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    return json.loads(done.stdout)


def errors(report: dict) -> list[tuple]:
    return [
        (task["name"], error.get("rowNumber"), error.get("fieldName"), error["type"])
        for task in report["tasks"]
        for error in task["errors"]
    ]


def test_the_data_files_meet_the_contract_foreign_keys_included():
    report = frictionless("datapackage.json", cwd=DATA_DIR)
    assert report["valid"], errors(report)
    assert {task["name"] for task in report["tasks"]} == {"places", "sources", "records", "claims", "rejected", "stops"}


def test_a_broken_copy_fails_with_its_file_row_and_field(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy, ignore=shutil.ignore_patterns("basemap"))
    lines = (copy / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    fields = lines[5].rstrip("\n").split(",")
    fields[header.index("credibility")] = "9"
    fields[header.index("record_id")] = "no-such-record"
    lines[5] = ",".join(fields) + "\n"
    (copy / "claims.csv").write_text("".join(lines), encoding="utf-8")
    found = errors(frictionless("datapackage.json", cwd=copy))
    assert ("claims", 6, "credibility", "constraint-error") in found
    assert any(error[:2] == ("claims", 6) and error[3] == "foreign-key" for error in found), found


@pytest.mark.parametrize(
    ("arguments", "schema"),
    [
        pytest.param(["--as-of", "2026-01-20"], "extract.csv.schema.json", id="csv"),
        pytest.param(
            ["--as-of", "2026-01-20", "--since", "2026-01-15"], "extract_since.csv.schema.json", id="csv-since"
        ),
        pytest.param(["--as-of", "2026-02-28", "--format", "sources"], "extract_sources.csv.schema.json", id="sources"),
    ],
)
def test_fresh_extracts_meet_their_schemas(tmp_path, arguments, schema):
    out = tmp_path / "extract.csv"
    subprocess.run(
        [sys.executable, "-m", "geo.extract", *arguments, "-o", str(out)], cwd=REPO_ROOT, check=True, timeout=120
    )
    report = frictionless("extract.csv", "--schema", str(SCHEMAS_DIR / schema), "--encoding", "utf-8-sig", cwd=tmp_path)
    assert report["valid"], errors(report)
    assert report["tasks"][0]["stats"]["rows"] > 0


def test_the_dictionary_a_person_reads_is_generated_from_the_contract():
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == render_dictionary(), "run: python -m geo.dictionary"


def test_every_contract_field_names_its_type_values_and_blank():
    for file, columns in load_dictionary(DATAPACKAGE_PATH).items():
        for column in columns:
            assert column.type and column.allowed and column.blank_means and column.description, (file, column.name)


# ---------------------------------------------------------------- the small slips, each pinned


def test_every_basemap_code_is_iso_3166():
    import pycountry

    from geo.paths import BASEMAP_PATH

    features = json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))["features"]
    codes = {f["properties"]["iso3"]: f["properties"]["name"] for f in features}
    assert {code: name for code, name in codes.items() if code and pycountry.countries.get(alpha_3=code) is None} == {}
    assert {"ALA", "PSE", "ESH"} <= set(codes) and not {"ALD", "KOS", "PSX", "SAH"} & set(codes)
    assert [name for code, name in codes.items() if not code] == ["Kosovo"]  # no ISO code exists


def test_territory_reference_points_lie_inside_their_outlines(tmp_path):
    from geo.records import load_dataset

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    shutil.copytree(REPO_ROOT / "seeds", tmp_path / "seeds")
    places = (copy / "places.csv").read_text(encoding="utf-8")
    line = next(text for text in places.splitlines() if text.startswith("denmark,"))
    (copy / "places.csv").write_text(
        places.replace(line, line.replace("56.2680,9.2506", "55.6761,12.5683")), encoding="utf-8"
    )
    problems = [str(p) for p in load_dataset(copy).problems if p.file == "places.csv"]
    assert len(problems) == 1 and "lies outside the outline of DNK" in problems[0], problems
    assert load_dataset().problems == []


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda text: "\ufeff" + text, id="byte-order-mark"),
        pytest.param(lambda text: "".join(line + ",x\n" for line in text.splitlines()), id="extra-column"),
    ],
)
def test_the_validator_and_the_dashboard_read_stops_alike(tmp_path, mutate):
    from geo.asof import date_span
    from geo.records import load_dataset
    from geo.stops import load_stops
    from geo.validate import validate

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    shutil.copytree(REPO_ROOT / "seeds", tmp_path / "seeds")
    stops = copy / "stops.csv"
    stops.write_text(mutate(stops.read_text(encoding="utf-8")), encoding="utf-8")
    report = validate(copy)
    app_stops, app_problems = load_stops(stops, date_span(load_dataset(copy)))  # as dashboard/support.py calls it
    assert [s.number for s in report.stops] == [s.number for s in app_stops] and len(app_stops) == 5
    assert [str(p) for p in report.stop_problems] == [str(p) for p in app_problems] and len(app_problems) == 1


def test_the_validator_loads_no_map_stack():
    probe = "import sys, geo.validate; print(sorted(m for m in ('folium', 'geopandas', 'streamlit', 'pyogrio') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_csv_extract_comes_with_a_datapackage_that_says_what_it_is(tmp_path):
    def run(*arguments: str) -> None:
        subprocess.run([sys.executable, "-m", "geo.extract", "--as-of", "2026-01-20", "--since", "2026-01-15", *arguments],
                       cwd=REPO_ROOT, check=True, timeout=120)  # fmt: skip

    run("-o", str(tmp_path / "situation.csv"))
    run("--format", "datapackage", "--csv-name", "situation.csv", "-o", str(tmp_path / "datapackage.json"))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    about = package["asm:about"]
    assert (about["as_of"], about["since"]) == ("2026-01-20", "2026-01-15")
    assert about["data_version"].startswith("sha256 ") and about["generated_at"].endswith("Z")
    report = frictionless("datapackage.json", cwd=tmp_path)
    assert report["valid"], errors(report)
    assert [field["name"] for field in package["resources"][0]["schema"]["fields"]][-1] == "change"


def test_the_xlsx_records_sheet_meets_the_extract_schema(tmp_path):
    subprocess.run([sys.executable, "-m", "geo.extract", "--as-of", "2026-01-20", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")],
                   cwd=REPO_ROOT, check=True, timeout=120)  # fmt: skip
    report = frictionless(
        "x.xlsx", "--sheet", "records", "--schema", str(SCHEMAS_DIR / "extract.csv.schema.json"), cwd=tmp_path
    )
    assert report["valid"], errors(report)
