from playwright.sync_api import expect


def login(page, live_server, username, password="demo12345"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_demo_curator_logs_in_and_sees_home(page, live_server, demo, screenshot):
    login(page, live_server, "curator1")
    expect(page.locator("h1")).to_contain_text("Змеиногорская СОШ № 1")
    expect(page.get_by_text("ожидают наставника")).to_be_visible()
    waiting = int(page.get_by_test_id("mentees-waiting").inner_text())
    assert waiting > 0
    path = screenshot("curator-home")
    assert path.stat().st_size > 10_000


def test_wrong_password_keeps_the_user_out(page, live_server, demo):
    login(page, live_server, "curator1", "wrong")
    expect(page.get_by_text("Пожалуйста, введите правильные")).to_be_visible()
    assert page.url.endswith("/login/")
