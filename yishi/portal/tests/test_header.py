"""The header and the tab bar (issue 13, item 3): residents have at most five destinations
(首页, 反映民情, 联名, 公示栏, 我的); staff work in one 工作 menu; 退出 is inside 我的,
never beside 消息."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from yishi.places.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _page(username: str, path: str = "/") -> str:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _part(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def _links(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r"<a [^>]*>(.*?)</a>", html, re.S)]


def test_a_resident_has_five_tabs_and_a_one_item_header(people: dict[str, Any]) -> None:
    html = _page("resident_a")
    tabs = _part(html, 'data-testid="tab-bar"', "</nav>")
    assert _links(tabs) == ["首页", "反映民情", "联名", "公示栏", "我的"]
    assert 'aria-current="page">首页' in tabs
    header = _part(html, '<header class="top">', "</header>")
    assert "工作" not in header and "退出" not in header and "English" not in header
    assert _links(header) == ["议事", "消息"]


def test_staff_work_in_one_menu_and_sign_out_is_inside_me(people: dict[str, Any]) -> None:
    html = _page("staff_a")
    header = _part(html, '<header class="top">', "</header>")
    assert header.count("<details") == 1 and "工作" in header
    me = _page("staff_a", "/me/")
    assert 'data-testid="sign-out"' in me and "退出" in _part(me, "<main>", "</main>")
    assert "退出" not in _part(me, '<header class="top">', "</header>")


def test_the_tab_of_the_page_is_marked(people: dict[str, Any]) -> None:
    tabs = _part(_page("resident_a", "/me/"), 'data-testid="tab-bar"', "</nav>")
    assert re.search(r'aria-current="page">我的', tabs)
    assert tabs.count("aria-current") == 1


def test_a_signed_out_visitor_has_boards_sign_in_and_the_language(db: None) -> None:
    html = Client().get("/").content.decode()
    header = _part(html, '<header class="top">', "</header>")
    assert "登录" in header and "公示栏" in header and "English" in header
    assert 'data-testid="tab-bar"' not in html


def test_sign_out_from_me_ends_the_session(people: dict[str, Any]) -> None:
    client = Client()
    assert client.login(username="resident_a", password=PASSWORD)
    assert client.post("/logout/").status_code == 302
    assert client.get("/me/").status_code == 302  # to sign in
