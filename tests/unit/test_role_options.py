"""Role inputs have one source of truth: meta/argument_specs.yml agrees with defaults/main.yml and
the options table of each README is what `make role-docs` writes from it."""

import pytest

from tests import role_options


ROLES = sorted(p for p in role_options.ROLES.iterdir() if (p / "meta" / "argument_specs.yml").exists())


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_default_agrees_with_the_spec(role):
    assert role_options.disagreements(role) == []


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_the_readme_options_table_is_the_generated_one(role):
    readme = (role / "README.md").read_text()
    assert role_options.readme_with_table(readme, role_options.options_table(role)) == readme, \
        f"{role.name}/README.md is stale: run make role-docs"


def write_role(tmp_path, defaults, spec):
    role = tmp_path / "roles" / "example"
    (role / "defaults").mkdir(parents=True)
    (role / "meta").mkdir()
    (role / "defaults" / "main.yml").write_text(defaults)
    (role / "meta" / "argument_specs.yml").write_text(spec)
    return role


SPEC = """argument_specs:
  main:
    short_description: An example.
    options:
      example_size: {type: int, default: %s, description: How big.}
      example_key: {type: str, description: A key another role publishes.}
"""


@pytest.mark.parametrize("defaults, spec_default, complaint", [
    ("example_size: 3\n", "4", "the spec says 4, defaults/main.yml says 3"),
    ("example_size: 3\nexample_name: x\n", "3", "example_name has a default but no entry"),
    ("example_size: 3\nexample_key: \"{{ other_key }}\"\n", "3", None),
    ("{}\n", "3", "example_size (main) has a default in the spec that nothing applies"),
], ids=["values differ", "default without spec", "computed default without spec default",
        "spec default nothing applies"])
def test_a_disagreement_is_named(tmp_path, defaults, spec_default, complaint):
    found = role_options.disagreements(write_role(tmp_path, defaults, SPEC % spec_default))
    if complaint is None:
        assert found == []
    else:
        assert len(found) == 1 and complaint in found[0], found


def test_a_computed_default_must_not_be_claimed_by_the_spec(tmp_path):
    spec = SPEC.replace("example_key: {type: str,", "example_key: {type: str, default: '',") % "3"
    found = role_options.disagreements(write_role(tmp_path, "example_size: 3\nexample_key: \"{{ k }}\"\n", spec))
    assert found == ["example: example_key (main): the default is computed in defaults/main.yml, "
                     "the spec must not claim ''"]


def test_the_table_shows_types_defaults_and_nested_options(tmp_path):
    spec = SPEC % "3" + """      example_cidrs:
        type: dict
        description: Per region.
        options:
          primary: {type: str, required: true, description: "Primary | CIDR."}
"""
    role = write_role(tmp_path, "example_size: 3\nexample_key: \"{{ k }}\"\n", spec)
    table = role_options.options_table(role)
    assert "| `example_size` | int | `3` | How big. |" in table
    assert "| `example_key` | str | computed | A key another role publishes. |" in table
    assert "| `example_cidrs.primary` | str | required | Primary \\| CIDR. |" in table


def test_write_replaces_only_the_generated_section(tmp_path):
    role = write_role(tmp_path, "example_size: 3\n", SPEC % "3")
    (role / "README.md").write_text("# example\n\nHand-written text.\n")
    once = role_options.readme_with_table((role / "README.md").read_text(), role_options.options_table(role))
    twice = role_options.readme_with_table(once, role_options.options_table(role))
    assert once == twice and once.startswith("# example\n\nHand-written text.\n\n")
