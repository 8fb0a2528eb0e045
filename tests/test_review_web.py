"""The review app over HTTP: escaping, CSRF, host/origin/token checks, saves and conflicts,
QA re-checks, TM, n-best and downloads (Starlette's test client; no browser, no sockets)."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from review.assist import Alternatives
from review.importing import import_paths
from review.project import Project
from review.security import MAX_BODY
from review.web import create_app
from tests.review_support import make_run, scripted_translator

BASE = "http://127.0.0.1:8765"
TERMS = "The Ministry of Foreign Affairs of Belgium said the budget was $523.7 million in 2023."


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    from glossary import default_glossary

    import_paths(path, [make_run(tmp_path)], glossary=default_glossary())
    with Project(path) as proj:
        yield proj


def client_for(app, base=BASE):
    return TestClient(app, base_url=base)


@pytest.fixture
def client(project):
    alternatives = Alternatives("scripted", factory=lambda name: scripted_translator())
    return client_for(create_app(project, alternatives=alternatives))


def csrf(client, doc=1):
    page = client.get(f"/documents/{doc}")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def post(client, url, body, token):
    return client.post(url, json=body, headers={"X-CSRF-Token": token})


def test_document_list_shows_progress(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "habari.txt" in page.text and "0/4" in page.text


def test_sources_are_escaped_and_pages_are_locked_down(client):
    page = client.get("/documents/1")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    # The only scripts are the packaged file.
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/review.js" defer>']
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert 'class="term term-failed"' in page.text  # Ubelgiji, dropped by the MT


def test_every_post_needs_the_sessions_csrf_token(client):
    assert client.post("/api/segments/1", json={"text": "x", "version": 1}).status_code == 403
    token = csrf(client)
    assert post(client, "/api/segments/1", {"text": "x", "version": 1}, "wrong").status_code == 403
    assert post(client, "/api/segments/1", {"text": "x", "version": 1}, token).status_code == 200
    # Another browser (another session cookie) cannot use this session's token.
    other = client_for(client.app)
    other.get("/")
    assert post(other, "/api/segments/1", {"text": "y", "version": 2}, token).status_code == 403


@pytest.mark.parametrize("host", ["evil.example", "attacker.localhost.example", ""])
def test_foreign_host_headers_are_refused(client, host):
    assert client.get("/", headers={"host": host}).status_code == 400


def test_cross_origin_posts_are_refused(client):
    token = csrf(client)
    body = {"text": "x", "version": 1}
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = client.post(
            "/api/segments/1", json=body, headers={"X-CSRF-Token": token, **headers}
        )
        assert response.status_code == 403
    same = client.post(
        "/api/segments/1", json=body, headers={"X-CSRF-Token": token, "origin": BASE}
    )
    assert same.status_code == 200


def test_odd_headers_are_refused_not_crashed_on(client):
    token = csrf(client)
    odd = client.post(
        "/api/segments/1",
        json={"text": "x", "version": 1},
        headers={"X-CSRF-Token": ("é" + token).encode("latin-1")},
    )
    assert odd.status_code == 403


def test_off_loopback_every_request_needs_the_token(project):
    app = create_app(project, token="s3cret", allowed_hosts=None)
    client = client_for(app, "http://192.0.2.7:8765")
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"x-tafsiri-token": "s3cret"}).status_code == 200
    assert (
        client.get("/", headers={"x-tafsiri-token": "s3crét".encode("latin-1")}).status_code == 401
    )
    redirect = client.get("/documents/1?token=s3cret&status=new", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/documents/1?status=new"
    assert "tafsiri_token=s3cret" in redirect.headers["set-cookie"]
    assert "HttpOnly" in redirect.headers["set-cookie"]
    assert client.get("/documents/1").status_code == 200  # the cookie carries it now
    with pytest.raises(ValueError, match="needs an access token"):
        TestClient(create_app(project, allowed_hosts=None)).get("/")


def test_save_then_reload_shows_edit_and_status(client):
    token = csrf(client)
    saved = post(
        client,
        "/api/segments/1",
        {"text": TERMS, "version": 1, "status": "approved", "editor": "Amina", "seconds": 4},
        token,
    )
    assert saved.status_code == 200
    seg = saved.json()["segment"]
    assert (seg["status"], seg["version"], seg["flags"], seg["editor"]) == (
        "approved",
        2,
        [],
        "Amina",
    )
    assert client.get("/api/segments/1").json()["target"] == TERMS
    assert "1/4" in client.get("/").text


def test_stale_save_is_a_409_with_both_texts(client):
    token = csrf(client)
    assert (
        post(client, "/api/segments/1", {"text": "first", "version": 1}, token).status_code == 200
    )
    stale = post(client, "/api/segments/1", {"text": "second", "version": 1}, token)
    assert stale.status_code == 409
    body = stale.json()
    assert (body["theirs"], body["yours"], body["segment"]["version"]) == ("first", "second", 2)
    texts = [v["text"] for v in client.get("/api/segments/1/history").json()["versions"]]
    assert "first" in texts and "second" in texts


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"version": 1}, 400, '"text" is required'),
        ({"text": "x", "version": "1"}, 400, '"version" must be a int'),
        ({"text": "x", "version": 1, "status": "done"}, 400, "status must be one of"),
        ({"text": "x", "version": True}, 400, '"version" must be a int'),
    ],
)
def test_bad_saves_are_json_errors(client, body, status, error):
    response = post(client, "/api/segments/1", body, csrf(client))
    assert response.status_code == status and error in response.json()["error"]


def test_unknown_ids_and_non_json(client):
    token = csrf(client)
    assert post(client, "/api/segments/999", {"text": "x", "version": 1}, token).status_code == 404
    assert client.get("/documents/999").status_code == 404
    bad = client.post("/api/segments/1", content=b"{nope", headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and "not JSON" in bad.json()["error"]
    huge = client.post(
        "/api/segments/1",
        content=b"x" * (MAX_BODY + 1),
        headers={"X-CSRF-Token": token, "content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_check_rechecks_typed_text_without_saving(client):
    token = csrf(client)
    before = post(client, "/api/segments/1/check", {"text": "The ministry said."}, token).json()
    assert "term" in before["open_flags"]
    after = post(client, "/api/segments/1/check", {"text": TERMS}, token).json()
    assert after["open_flags"] == []
    assert client.get("/api/segments/1").json()["version"] == 1


def test_ignore_a_flag(client):
    token = csrf(client)
    seg = post(client, "/api/segments/1/ignore", {"code": "term", "ignore": True}, token).json()
    assert seg["ignored"] == ["term"] and seg["open_flags"] == []
    page = client.get("/documents/1?flag=term")
    assert "0 of 4 segments" in page.text


def test_filters_and_search(client):
    assert "1 of 4 segments" in client.get("/documents/1?flag=untranslated").text
    assert "1 of 4 segments" in client.get("/documents/1?q=ASANTE").text
    assert "1 of 4 segments" in client.get("/documents/1?q=tomorrow").text
    assert "4 of 4 segments" in client.get("/documents/1?status=bogus").text


def test_memory_and_alternatives(client):
    token = csrf(client)
    post(
        client,
        "/api/segments/4",
        {"text": "Thanks a lot.", "version": 1, "status": "approved"},
        token,
    )
    assert client.get("/api/segments/4/memory").json() == {"matches": []}  # not itself
    alts = post(client, "/api/segments/4/alternatives", {"n": 3}, token).json()["alternatives"]
    assert [a["text"] for a in alts] == [
        "Thank you very much.",
        "Thank you very much. (variant 1)",
        "Thank you very much. (variant 2)",
    ]
    assert post(client, "/api/segments/4/alternatives", {"n": 50}, token).status_code == 400


def test_alternatives_without_a_model_say_so(project):
    def broken(name):
        from translate.textio import InputError

        raise InputError(f"model {name!r} is not here")

    app = create_app(project, alternatives=Alternatives("gone", factory=broken))
    client = client_for(app)
    response = post(client, "/api/segments/1/alternatives", {"n": 2}, csrf(client))
    assert response.status_code == 503 and "model 'gone' is not here" in response.json()["error"]


@pytest.mark.parametrize("fmt", ["txt", "html", "jsonl", "effort"])
def test_downloads_come_from_the_database(client, fmt):
    response = client.get(f"/documents/1/download/{fmt}")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="habari.')


def test_static_files_only_from_the_package(client):
    assert client.get("/static/review.js").status_code == 200
    assert client.get("/static/../project.py").status_code == 404
    assert client.get("/static/%2e%2e/project.py").status_code == 404
    assert client.get("/documents/1/download/..%2F..%2Fetc").status_code == 404


def test_alternatives_come_from_one_real_model_handle(tiny_model_dir):
    built = []

    def factory(name):
        built.append(name)
        from translate.pipeline import Translator

        return Translator(name, backend="transformers", threads=1)

    alternatives = Alternatives(str(tiny_model_dir), factory=factory)
    first = alternatives("Asante sana.", 3)
    second = alternatives("Karibu tena.", 2)
    assert built == [str(tiny_model_dir)]  # built once, on the first request
    assert 1 <= len(first) <= 3 and 1 <= len(second) <= 2
    assert all(isinstance(h.text, str) for h in first + second)
    assert alternatives.model is not None


# -- hardening round 2 (issue 23) -----------------------------------------------------------


def test_a_chunked_body_over_the_limit_is_refused_and_not_stored(client):
    token = csrf(client)
    text = "x" * 5_000_000

    def chunks():
        body = f'{{"text": "{text}", "version": 1}}'.encode()
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = client.post(
        "/api/segments/1",
        content=chunks(),
        headers={"X-CSRF-Token": token, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert client.get("/api/segments/1").json()["version"] == 1


def test_a_segment_text_over_the_length_cap_is_a_json_error(client):
    from review.project import MAX_TEXT

    token = csrf(client)
    response = post(client, "/api/segments/1", {"text": "y" * (MAX_TEXT + 1), "version": 1}, token)
    assert response.status_code == 400
    assert f"at most {MAX_TEXT:,} characters" in response.json()["error"]
    check = post(client, "/api/segments/1/check", {"text": "y" * (MAX_TEXT + 1)}, token)
    assert check.status_code == 400


def test_control_characters_are_cleaned_from_the_editor_and_refused_in_the_text(client):
    token = csrf(client)
    saved = post(
        client,
        "/api/segments/1",
        {"text": TERMS, "version": 1, "status": "approved", "editor": "Amina\x01\x1b[31m"},
        token,
    )
    assert saved.status_code == 200 and saved.json()["segment"]["editor"] == "Amina[31m"
    assert client.get("/documents/1/download/tmx").status_code == 200
    bad = post(client, "/api/segments/2", {"text": "Bell\x07", "version": 1}, token)
    assert bad.status_code == 400 and "U+0007" in bad.json()["error"]
    lone = client.post(
        "/api/segments/2",
        content=b'{"text": "half \\ud800 a pair", "version": 1}',
        headers={"X-CSRF-Token": token, "content-type": "application/json"},
    )
    assert lone.status_code == 400 and "U+D800" in lone.json()["error"]


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "tmx", "xliff", "jsonl", "train", "effort"])
def test_every_download_survives_control_characters_already_in_the_database(project, fmt):
    project.save(1, TERMS, version=1, status="approved", editor="Amina")
    with project._writing() as conn:  # as an older version of the server stored it
        conn.execute("UPDATE segments SET editor = 'Amina\x01', target = target || '\x02'")
        conn.execute("UPDATE documents SET name = 'habari\x03.txt'")
    response = client_for(create_app(project)).get(f"/documents/1/download/{fmt}")
    assert response.status_code == 200, response.text
    if fmt in ("tmx", "xliff"):
        from lxml import etree

        etree.fromstring(response.content)


@pytest.mark.parametrize("name", ["habari-ŝ.txt", "خبر.txt", 'a"b;c.txt'])
def test_downloads_of_non_ascii_names_have_an_rfc_6266_filename(tmp_path, name):
    from urllib.parse import quote

    path = tmp_path / "p.sqlite"
    import_paths(path, [make_run(tmp_path, name=name)])
    with Project(path) as proj:
        client = client_for(create_app(proj))
        for fmt in ("txt", "tmx", "html"):
            response = client.get(f"/documents/1/download/{fmt}")
            assert response.status_code == 200, response.text
            disposition = response.headers["content-disposition"]
            stem = name.rsplit(".", 1)[0]
            suffix = {"txt": ".txt", "tmx": ".tmx", "html": ".html"}[fmt]
            assert f"filename*=UTF-8''{quote(stem + suffix, safe='')}" in disposition
            fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
            assert fallback.isascii() and fallback.endswith(suffix)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"text": "x", "version": 9223372036854775808}', '"version" must be'),
        (b'{"text": "x", "version": -1}', '"version" must be'),
        (b'{"text": "x", "version": 1, "seconds": NaN}', '"seconds" must be a finite'),
        (b'{"text": "x", "version": 1, "seconds": Infinity}', '"seconds" must be a finite'),
        (b'{"text": "x", "version": 1, "seconds": 1e400}', '"seconds" must be a finite'),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"text": "x", "version": 1, "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
    ],
)
def test_out_of_range_values_are_json_errors_not_500s(client, body, error):
    response = client.post(
        "/api/segments/1",
        content=body,
        headers={"X-CSRF-Token": csrf(client), "content-type": "application/json"},
    )
    assert response.status_code == 400 and error in response.json()["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/documents/9223372036854775808",
        "/documents/99999999999999999999999/download/txt",
        "/api/segments/9223372036854775808",
        "/api/segments/18446744073709551616/history",
        "/api/segments/99999999999999999999999/memory",
        "/no/such/page",
    ],
)
def test_huge_or_unknown_ids_are_json_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"].startswith("no such")


def test_huge_ids_in_posts_are_json_404s(client):
    token = csrf(client)
    for url in ("/api/segments/9223372036854775808", "/api/segments/9223372036854775808/check"):
        response = post(client, url, {"text": "x", "version": 1}, token)
        assert response.status_code == 404 and response.json()["error"].startswith("no such")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("//evil.example/x", "/evil.example/x"),
        ("/\\evil.example/x", "/%5Cevil.example/x"),
        ("///evil.example", "/evil.example"),
        ("/documents/1", "/documents/1"),
    ],
)
def test_the_token_redirect_stays_on_this_server(project, path, location):
    app = create_app(project, token="s3cret", allowed_hosts=None)
    client = client_for(app, "http://192.0.2.7:8765")
    response = client.get(f"http://192.0.2.7:8765{path}?token=s3cret", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location


# -- review v2 (issue 26): the new routes answer JSON, errors included ----------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "error"),
    [
        ("POST", "/api/segments/1/comments", {"text": "  "}, 400, "empty"),
        ("POST", "/api/segments/99/comments", {"text": "x"}, 404, "no such segment"),
        ("POST", "/api/segments/1/comments", {"text": "a\x01"}, 400, "control character"),
        ("GET", "/api/segments/99/comments", None, 404, "no such segment"),
        ("GET", "/api/segments/1/diff?a=7", None, 400, "position in the history"),
        ("GET", "/api/segments/1/diff?a=x", None, 400, "position in the history"),
        ("POST", "/api/documents/9/terms", {"sw": "x"}, 404, "no such document"),
        ("POST", "/api/documents/1/terms", {}, 400, '"sw" is required'),
        ("POST", "/api/glossary", {"sw": "", "en": "x"}, 400, "needs both"),
        ("GET", "/api/lookup?q=", None, 400, "q is empty"),
        ("POST", "/api/replace/preview", {"find": ""}, 400, "find is empty"),
        ("POST", "/api/replace/preview", {"find": "(", "regex": True}, 400, "regular expression"),
        ("POST", "/api/replace/preview", {"find": "a", "document_id": 9}, 404, "no such document"),
        ("POST", "/api/replace", {"find": "a", "versions": {"x": 1}}, 400, '"versions"'),
        ("POST", "/api/segments/1/alternatives", {"n": 11}, 400, "n must be 1..10"),
    ],
)
def test_v2_routes_answer_json_errors(client, method, url, body, status, error):
    token = csrf(client)
    if method == "GET":
        answer = client.get(url)
    else:
        answer = post(client, url, body, token)
    assert answer.status_code == status, answer.text
    assert error in answer.json()["error"]


def test_v2_routes_work_together(client, project):
    token = csrf(client)
    saved = post(
        client, "/api/segments/1", {"text": TERMS, "version": 1, "status": "approved"}, token
    )
    assert saved.json()["summary"] == {
        "segments": 4,
        "approved": 1,
        "open_flags": 1,
        "hter": saved.json()["summary"]["hter"],
    }
    assert (
        post(
            client, "/api/segments/1/comments", {"text": "ok", "editor": "Amina"}, token
        ).status_code
        == 200
    )
    assert client.get("/api/segments/1/comments").json()["comments"][0]["editor"] == "Amina"
    assert client.get("/api/segments/1/diff").json()["diff"][0] == ["=", "The "]
    assert client.get("/api/segments/1/diff?a=1&b=1").json()["diff"] == []
    hits = post(
        client, "/api/replace/preview", {"find": "tomorrow", "replace": "today"}, token
    ).json()
    assert [h["number"] for h in hits["hits"]] == [3]
    done = post(
        client, "/api/replace", {"find": "tomorrow", "replace": "today", "document_id": 1}, token
    )
    assert [s["target"] for s in done.json()["saved"]] == ["The consultations will continue today."]
    assert done.json()["summary"]["segments"] == 4
    found = client.get("/api/lookup?q=Belgium").json()
    assert any(t["sw"] == "Ubelgiji" for t in found["glossary"]) and found["approved"]
    added = post(client, "/api/glossary", {"sw": "Ubelgiji", "en": "the Belgians"}, token)
    assert added.status_code == 200
    assert client.get("/api/glossary").json()["entries"][0]["en"] == "the Belgians"
    risky = client.get("/documents/1?sort=risk")
    assert risky.status_code == 200 and 'value="risk" selected' in risky.text
    download = client.get("/documents/1/download/glossary")
    assert download.status_code == 200 and "Ubelgiji\tthe Belgians" in download.text
