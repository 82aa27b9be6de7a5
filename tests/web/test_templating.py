"""The page templates are compiled once per process, whichever app's environment asks first."""

from zoneinfo import ZoneInfo

from jinja2 import Environment

from api.web.templating import build_environment


def test_a_second_app_environment_renders_pages_without_compiling_them_again(monkeypatch):
    first, second = build_environment(ZoneInfo("Asia/Ho_Chi_Minh")), build_environment(ZoneInfo("UTC"))
    first.get_template("base.html")
    compiled: list[str | None] = []
    original = Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counted)
    second.get_template("base.html")
    assert compiled == []
    build_environment(ZoneInfo("UTC")).from_string("{{ 1 }}")  # a string template is compiled as ever
    assert compiled == [None]


def test_a_template_whose_source_changed_is_compiled_again(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("trước", encoding="utf-8")
    monkeypatch.setattr("api.web.templating.TEMPLATES_DIR", tmp_path)
    assert build_environment(ZoneInfo("UTC")).get_template("page.html").render() == "trước"
    (tmp_path / "page.html").write_text("sau", encoding="utf-8")
    assert build_environment(ZoneInfo("UTC")).get_template("page.html").render() == "sau"
