"""In the browser, the meeting topic follows the chosen meeting type until the
mentor types their own (static/js/site.js, data-topic-from)."""

import re

from playwright.sync_api import expect

from tests.e2e.test_login import login


def test_the_topic_follows_the_type_until_the_mentor_types_one(page, live_server, demo):
    login(page, live_server, "mentor1")
    log_button = page.get_by_test_id("pair-card").first.locator("a[href$='/new/']")
    expect(log_button).to_be_visible()
    log_button.click()
    select, topic = page.locator("#id_meeting_type"), page.locator("#id_topic")
    expect(select).to_be_visible()

    select.select_option(label="Итоговая встреча")
    expect(topic).to_have_value("Итоговая встреча")
    select.select_option(label="Регулярная встреча")
    expect(topic).to_have_value("Регулярная встреча")

    topic.fill("Разбор олимпиадной задачи")
    select.select_option(label="Встреча-планирование")
    expect(topic).to_have_value("Разбор олимпиадной задачи")

    topic.fill("")
    select.select_option(label="Пробная рабочая встреча")
    expect(topic).to_have_value("Пробная рабочая встреча")
    assert re.search(r"/pair/\d+/new/", page.url)
