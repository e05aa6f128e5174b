"""What Spaces and a fresh machine rely on: pins, front matter, the bind address."""

import re

import app


def front_matter(root) -> dict[str, str]:
    text = (root / "README.md").read_text()
    assert text.startswith("---\n")
    block = text.split("---\n")[1]
    return dict(line.split(": ", 1) for line in block.strip().splitlines())


def test_spaces_front_matter(root):
    meta = front_matter(root)
    requirements = (root / "requirements.txt").read_text()
    gradio_pin = re.search(r"^gradio==(\S+)$", requirements, re.M).group(1)
    assert meta["sdk"] == "gradio"
    assert meta["sdk_version"] == gradio_pin
    assert meta["app_file"] == "app.py"
    for key in ("title", "emoji", "python_version", "license", "short_description"):
        assert meta.get(key), key
    assert len(meta["short_description"]) <= 60


def requirement_lines(path) -> list[str]:
    """Non-comment lines of a pip requirements file, inline comments dropped."""
    lines = (line.split(" #")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def torch_pin(path) -> str:
    pins = [line for line in requirement_lines(path) if re.match(r"torch\b", line)]
    assert len(pins) == 1, f"{path.name}: expected one torch line, found {pins}"
    match = re.fullmatch(r"torch==(\d+\.\d+\.\d+)", pins[0])
    assert match, f"{path.name}: torch must be pinned with ==, found {pins[0]!r}"
    return match.group(1)


def test_torch_is_pinned_exactly(root):
    assert torch_pin(root / "requirements.txt") == "2.13.0"


def test_pre_requirements_pin_the_same_torch_from_the_cpu_index(root):
    """Spaces run pre-requirements.txt first: it must take the CPU wheel of the very version
    requirements.txt pins, or the second pip run would replace it with PyPI's CUDA build."""
    pre = root / "pre-requirements.txt"
    assert torch_pin(pre) == torch_pin(root / "requirements.txt")
    assert "--index-url https://download.pytorch.org/whl/cpu" in requirement_lines(pre)


def test_requirements_name_no_index(root):
    """An unreachable extra index makes pip retry for minutes: requirements.txt names none."""
    for line in requirement_lines(root / "requirements.txt"):
        assert not line.startswith("-"), line


def test_readme_opens_with_the_two_setup_commands(root):
    text = (root / "README.md").read_text().split("---\n", 2)[2]
    block = text.split("```bash\n")[1].split("```")[0].splitlines()
    assert block[0].startswith("pip install -r requirements.txt && python app.py")
    assert block[1].startswith(
        "pip install -r requirements.txt -r requirements-dev.txt && python -m pytest")


def test_bind_address():
    assert app.server_host({}) == "127.0.0.1"
    assert app.server_host({"SPACE_ID": "user/space"}) == "0.0.0.0"
    assert app.server_host({"GRADIO_SERVER_NAME": "0.0.0.0"}) == "0.0.0.0"


def test_ci_runs_the_readme_test_command(root):
    ci = (root / ".ci" / "run").read_text()
    assert "pip install -r requirements.txt -r requirements-dev.txt" in ci
    assert "python -m pytest" in ci
    assert "chromium" in (root / ".ci" / "apt-packages").read_text()
