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


def test_the_mentee_base_fits_a_laptop_screen(page, live_server, demo):
    """At 1366 px (a school's laptop) the mentee base's table needs no horizontal
    scrolling (issue 19)."""
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "curator1")
    page.goto(f"{live_server.url}/people/mentees/")
    widths = page.evaluate(
        "() => { const box = document.querySelector('.table-responsive');"
        " return [box.scrollWidth, box.clientWidth]; }"
    )
    assert widths[0] <= widths[1], widths
