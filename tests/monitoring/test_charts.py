from monitoring import charts


def test_bar_chart_draws_values_and_a_table():
    svg = charts.bar_chart(
        "Отклик",
        [charts.Bar("Анкета", 75), charts.Bar("Другая", None)],
        max_value=100,
        unit="%",
    )
    assert svg.startswith("<figure")
    assert "<svg" in svg and "<title" in svg
    assert "75%" in svg
    assert 'width="270.0"' in svg  # 75 % of the 360 px plot
    assert "<table" in svg and "нет данных" in svg or "no data" in svg


def test_labels_are_escaped():
    svg = charts.bar_chart("<b>", [charts.Bar("<script>alert(1)</script>", 3)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_data_gives_a_message_not_a_chart():
    assert "<svg" not in charts.bar_chart("Пусто", [])
    assert "<svg" not in charts.paired_chart("Пусто", [], legend=("a", "b"))
    assert "<svg" not in charts.target_chart("Пусто", [charts.Target("x", None, None)])


def test_zero_values_do_not_break_the_scale():
    svg = charts.bar_chart("Нули", [charts.Bar("a", 0), charts.Bar("b", 0)])
    assert 'width="0.0"' in svg


def test_paired_chart_colours_by_direction():
    better_lower = charts.Pair("Тревожность", 8, 5, higher_is_better=False)
    worse_higher = charts.Pair("Вовлеченность", 6, 4, higher_is_better=True)
    svg = charts.paired_chart("Вход и выход", [better_lower], legend=("вход", "выход"))
    assert charts.GOOD in svg and charts.BAD not in svg
    svg = charts.paired_chart("Вход и выход", [worse_higher], legend=("вход", "выход"))
    assert charts.BAD in svg


def test_target_chart_marks_the_target():
    svg = charts.target_chart("Индикаторы", [charts.Target("Доля", 50, 70, "%")])
    assert "<line" in svg and "70%" in svg and "50%" in svg
    assert charts.BAD in svg  # not reached
