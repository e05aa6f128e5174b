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


def test_torch_is_pinned_to_the_cpu_build_on_disk(root):
    assert re.search(r"^torch==2\.13\.0$", (root / "requirements.txt").read_text(), re.M)


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
