# ruff: noqa: E501
"""Who is who in the demo data of `seed_demo`: people, the mentor base and the pairs.

Plain data, laid out as tables (hence `fmt: off`); the command turns it into rows.
Keys such as "mentor1" or "sosh1.bio" name a person; organisation keys are "sosh1",
"college" and "oktyabr" (see `_demo_texts.ORGANISATIONS`).
"""

from dataclasses import dataclass
from datetime import date

# fmt: off


@dataclass(frozen=True)
class PersonSpec:
    """A teacher or an external person (pupils are generated per class)."""

    key: str
    org: str
    kind: str
    sex: str  # "m" or "f"
    position: str
    subjects: str = ""
    experience: int | None = None
    workplace: str = ""
    name: tuple[str, str, str] | None = None  # last, first, patronymic
    username: str = ""
    age: int | None = None


@dataclass(frozen=True)
class PupilSpec:
    """A named pupil or student: a demo login or a pupil mentor."""

    key: str
    org: str
    group: str
    sex: str
    name: tuple[str, str, str] | None = None
    username: str = ""


@dataclass(frozen=True)
class MentorSpec:
    key: str
    category: str
    capacity: int = 1
    status: str | None = None  # None: derived from the mentor's pairs
    qualification: str = ""
    mentor_type: str = ""
    shared: bool = False
    ages: tuple[int, int] | None = None
    competencies: str = ""
    achievements: str = ""
    interests: str = ""


@dataclass(frozen=True)
class PairSpec:
    key: str
    org: str
    form: str
    variant: str
    mentor: str
    mentees: tuple[str, ...]  # "@key" of a named person, or a class/group name
    status: str
    start: tuple[str, int]  # ("y1"|"y2", days after 15 Sep) or ("ago", days)
    request: tuple[str, str]  # (area code, text) of the request the pair covers
    categories: tuple[str, ...] = ()
    plan: str = "year"  # planned end: "year", "programme" or "short"
    meetings: str = "fresh"  # "fresh", "stale" or "none"
    ended: date | None = None
    title: str = ""
    way: str = "traditional"
    result: str = ""
    evidence: str = ""
    reason: str = ""
    extra_request: tuple[str, str] | None = None
    mentee_leaves: bool = False  # the mentee left the organisation when it ended
    late_joiner: bool = False  # the last mentee of a group joined two weeks later
    group_leaver: date | None = None  # the first mentee of a group left on this day
    no_consent: bool = False  # the mentee's legal representative has not signed yet


TEACHERS = [
    # МБОУ «Змеиногорская СОШ № 1»
    PersonSpec("mentor1", "sosh1", "teacher", "m", "Учитель математики",
               "Математика (алгебра, геометрия)", 18,
               name=("Воронин", "Андрей", "Николаевич"), username="mentor1"),
    PersonSpec("classteacher1", "sosh1", "teacher", "f",
               "Учитель русского языка и литературы", "Русский язык, литература", 16,
               name=("Кудрявцева", "Елена", "Михайловна"), username="classteacher1"),
    PersonSpec("socped1", "sosh1", "teacher", "f", "Социальный педагог", "", 12,
               name=("Мельникова", "Светлана", "Юрьевна"), username="socped1"),
    PersonSpec("youngteacher1", "sosh1", "teacher", "f", "Учитель математики",
               "Математика", 1, name=("Полякова", "Анастасия", "Игоревна"),
               username="youngteacher1"),
    PersonSpec("sosh1.bio", "sosh1", "teacher", "f", "Учитель биологии и химии",
               "Биология, химия", 24),
    PersonSpec("sosh1.hist", "sosh1", "teacher", "f",
               "Учитель истории и обществознания", "История, обществознание", 21),
    PersonSpec("sosh1.phys", "sosh1", "teacher", "m", "Учитель физики и информатики",
               "Физика, информатика", 9),
    PersonSpec("sosh1.eng_young", "sosh1", "teacher", "f", "Учитель английского языка",
               "Английский язык", 2),
    PersonSpec("sosh1.rus", "sosh1", "teacher", "f",
               "Учитель русского языка и литературы", "Русский язык, литература", 31),
    PersonSpec("sosh1.pe_young", "sosh1", "teacher", "m", "Учитель физической культуры",
               "Физическая культура", 1),
    PersonSpec("sosh1.geo", "sosh1", "teacher", "f", "Учитель географии", "География", 27),
    PersonSpec("sosh1.eng", "sosh1", "teacher", "f", "Учитель английского языка",
               "Английский язык", 14),
    PersonSpec("sosh1.obzr", "sosh1", "teacher", "m", "Преподаватель-организатор ОБЗР",
               "Основы безопасности и защиты Родины", 11),
    PersonSpec("sosh1.tech", "sosh1", "teacher", "f", "Учитель технологии и ИЗО",
               "Технология, изобразительное искусство", 6),
    # КГБПОУ «Змеиногорский политехнический колледж»
    PersonSpec("college.spec", "college", "teacher", "m",
               "Преподаватель специальных дисциплин",
               "Технология машиностроения, технологическое оборудование", 22),
    PersonSpec("college.master", "college", "teacher", "m",
               "Мастер производственного обучения",
               "Учебная практика (токарные и фрезерные работы)", 15),
    PersonSpec("college.math", "college", "teacher", "f", "Преподаватель математики",
               "Математика", 19),
    PersonSpec("college.econ", "college", "teacher", "f",
               "Преподаватель экономических дисциплин",
               "Экономика организации, бухгалтерский учёт", 12),
    PersonSpec("college.rus", "college", "teacher", "f",
               "Преподаватель русского языка и литературы",
               "Русский язык, литература", 26),
    PersonSpec("college.el_young", "college", "teacher", "m",
               "Преподаватель специальных дисциплин", "Электротехника и электроника", 2),
    PersonSpec("college.inf_young", "college", "teacher", "f", "Преподаватель информатики",
               "Информатика, информационные технологии в профессиональной деятельности",
               0),
    PersonSpec("college.pe", "college", "teacher", "m",
               "Руководитель физического воспитания", "Физическая культура", 8),
    PersonSpec("college.dop", "college", "teacher", "f",
               "Педагог дополнительного образования", "Техническое творчество", 5),
    # МБОУ «Октябрьская СОШ»
    PersonSpec("okt.math", "oktyabr", "teacher", "f", "Учитель математики и физики",
               "Математика, физика", 28),
    PersonSpec("okt.bio", "oktyabr", "teacher", "f", "Учитель биологии и химии",
               "Биология, химия", 17),
    PersonSpec("okt.rus_young", "oktyabr", "teacher", "f",
               "Учитель русского языка и литературы", "Русский язык, литература", 1),
    PersonSpec("okt.hist_young", "oktyabr", "teacher", "m",
               "Учитель истории и обществознания", "История, обществознание", 3),
    PersonSpec("okt.tech", "oktyabr", "teacher", "m", "Учитель технологии", "Технология",
               20),
    PersonSpec("okt.eng", "oktyabr", "teacher", "f", "Учитель английского языка",
               "Английский язык", 9),
    PersonSpec("okt.inf", "oktyabr", "teacher", "m", "Учитель информатики",
               "Информатика", 13),
]

EXTERNALS = [
    PersonSpec("sosh1.veteran", "sosh1", "external", "m",
               "Ветеран педагогического труда, учитель физической культуры (на пенсии)",
               experience=38, age=63,
               workplace="Совет ветеранов педагогического труда Змеиногорского района"),
    PersonSpec("sosh1.grad1", "sosh1", "external", "m",
               "Студент 3 курса, выпускник школы 2023 года", age=20,
               workplace="ФГБОУ ВО «Алтайский государственный технический университет "
                         "им. И. И. Ползунова»"),
    PersonSpec("sosh1.grad2", "sosh1", "external", "f",
               "Медицинская сестра, выпускница школы 2015 года", experience=7, age=28,
               workplace="КГБУЗ «Змеиногорская центральная районная больница»"),
    PersonSpec("college.atp", "college", "external", "m", "Начальник ремонтной мастерской",
               experience=19, age=46, workplace="ООО «Змеиногорское АТП»"),
    PersonSpec("college.grad", "college", "external", "m",
               "Инженер-механик, выпускник колледжа 2016 года", experience=8, age=28,
               workplace="АО «Змеиногорский молочный завод»"),
    PersonSpec("college.partner", "college", "external", "f", "Ведущий инспектор",
               experience=11, age=39,
               workplace="КГКУ «Центр занятости населения Змеиногорского района»"),
    PersonSpec("employer1", "oktyabr", "external", "m", "Главный технолог",
               experience=14, age=41, workplace="АО «Змеиногорский молочный завод»",
               name=("Зайцев", "Игорь", "Владимирович"), username="employer1"),
    PersonSpec("okt.energy", "oktyabr", "external", "m", "Инженер-энергетик",
               experience=12, age=37, workplace="ООО «Алтайэнерго»"),
    PersonSpec("okt.farmer", "oktyabr", "external", "m",
               "Индивидуальный предприниматель, глава КФХ", experience=16, age=44,
               workplace="КФХ «Зелёный луг», пос. Октябрьский"),
    PersonSpec("okt.grad", "oktyabr", "external", "f",
               "Агроном, выпускница школы 2012 года", experience=9, age=31,
               workplace="ООО «Колос», пос. Октябрьский"),
]

NAMED_PUPILS = [
    PupilSpec("pupilmentor1", "sosh1", "10А", "f", ("Соколова", "Дарья", "Андреевна"),
              "pupilmentor1"),
    PupilSpec("pupil1", "sosh1", "9А", "m", ("Ефимов", "Кирилл", "Денисович"), "pupil1"),
    PupilSpec("sosh1.pm11a", "sosh1", "11А", "f"),
    PupilSpec("sosh1.pm11b", "sosh1", "11Б", "m"),
    PupilSpec("sosh1.pm10b", "sosh1", "10Б", "f"),
    PupilSpec("sosh1.pm9b", "sosh1", "9Б", "m", ("Лебедев", "Артём", "Игоревич"),
              "pupilmentor2"),
    PupilSpec("sosh1.pm11a2", "sosh1", "11А", "m"),
    PupilSpec("sosh1.pm10a2", "sosh1", "10А", "m"),
    PupilSpec("sosh1.pm10b2", "sosh1", "10Б", "f"),
    PupilSpec("sosh1.pm9a", "sosh1", "9А", "f"),
    PupilSpec("college.pm41", "college", "ТМ-41", "m"),
    PupilSpec("college.pm31", "college", "ТМ-31", "m"),
    PupilSpec("college.pm32", "college", "ЭК-32", "f"),
    PupilSpec("college.pm32b", "college", "ЭК-32", "f"),
    PupilSpec("college.pm31b", "college", "ТМ-31", "m"),
    PupilSpec("college.pm41b", "college", "ТМ-41", "m"),
]

MENTORS = [
    # МБОУ «Змеиногорская СОШ № 1»
    MentorSpec("mentor1", "teacher", 3, qualification="highest", mentor_type="subject",
               shared=True, ages=(14, 30)),
    MentorSpec("socped1", "teacher", 2, qualification="first",
               mentor_type="consultant", ages=(11, 16)),
    MentorSpec("classteacher1", "teacher", 2, qualification="highest",
               mentor_type="consultant", ages=(12, 15)),
    MentorSpec("sosh1.bio", "teacher", 2, qualification="highest",
               mentor_type="subject", shared=True, ages=(14, 17)),
    MentorSpec("sosh1.hist", "teacher", 1, qualification="highest",
               mentor_type="consultant", ages=(14, 17)),
    MentorSpec("sosh1.phys", "teacher", 2, qualification="first",
               mentor_type="subject", ages=(12, 17)),
    MentorSpec("sosh1.geo", "teacher", 1, qualification="highest", shared=True,
               ages=(11, 15)),
    MentorSpec("sosh1.eng", "teacher", 1, qualification="first", mentor_type="subject",
               ages=(22, 30)),
    MentorSpec("sosh1.rus", "teacher", 2, status="interview", qualification="methodist",
               mentor_type="subject", ages=(22, 35)),
    MentorSpec("sosh1.obzr", "teacher", 1, status="trained", qualification="first",
               ages=(13, 17)),
    MentorSpec("sosh1.veteran", "veteran", 1, shared=True, ages=(22, 30),
               competencies="38 лет в школе; методика преподавания физической культуры; "
                            "организация спортивно-массовой работы; классное руководство",
               achievements="Почётный работник общего образования РФ; подготовил "
                            "победителей краевых соревнований по лыжным гонкам",
               interests="Лыжи, садоводство"),
    MentorSpec("sosh1.grad1", "graduate", 1, ages=(13, 16),
               competencies="Программирование (Python, C++), робототехника; помнит, "
                            "как сам выбирал вуз и готовился к ЕГЭ",
               achievements="Призёр краевой олимпиады по информатике (2022); "
                            "стипендиат АлтГТУ",
               interests="Киберспорт, походы"),
    MentorSpec("sosh1.grad2", "graduate", 1, ages=(14, 16),
               competencies="Медицинские профессии: как поступить в медколледж; "
                            "первая помощь",
               achievements="Лучшая медицинская сестра ЦРБ 2024 года",
               interests="Волонтёрство, бег"),
    MentorSpec("pupilmentor1", "pupil", 1, ages=(13, 15)),
    MentorSpec("sosh1.pm11a", "pupil", 3, ages=(10, 12)),
    MentorSpec("sosh1.pm11b", "pupil", 2, ages=(11, 15)),
    MentorSpec("sosh1.pm10b", "pupil", 1, ages=(11, 14)),
    MentorSpec("sosh1.pm9b", "pupil", 1, ages=(11, 13)),
    MentorSpec("sosh1.pm11a2", "pupil", 1, ages=(13, 15)),
    MentorSpec("sosh1.pm10a2", "pupil", 2, ages=(12, 14)),
    MentorSpec("sosh1.pm10b2", "pupil", 1, status="questionnaire", ages=(11, 14)),
    MentorSpec("sosh1.pm9a", "pupil", 1, status="candidate", ages=(11, 13)),
    # КГБПОУ «Змеиногорский политехнический колледж»
    MentorSpec("college.spec", "teacher", 2, qualification="highest",
               mentor_type="subject", shared=True, ages=(22, 35)),
    MentorSpec("college.master", "teacher", 3, qualification="first",
               mentor_type="subject", ages=(16, 19)),
    MentorSpec("college.math", "teacher", 1, qualification="highest",
               mentor_type="subject", ages=(15, 18)),
    MentorSpec("college.econ", "teacher", 1, qualification="first", ages=(17, 20)),
    MentorSpec("college.rus", "teacher", 1, qualification="highest",
               mentor_type="consultant", ages=(22, 35)),
    MentorSpec("college.pe", "teacher", 1, status="candidate", ages=(15, 19)),
    MentorSpec("college.atp", "employee", 1, shared=True, ages=(17, 20),
               competencies="Ремонт и обслуживание автотранспорта; организация "
                            "производственной практики на предприятии",
               achievements="Принял на работу шестерых выпускников колледжа",
               interests="Автоспорт, рыбалка"),
    MentorSpec("college.grad", "graduate", 1, ages=(16, 19),
               competencies="Эксплуатация оборудования пищевого производства; путь от "
                            "студента до инженера",
               achievements="Диплом колледжа с отличием; рационализатор года на заводе",
               interests="Мотоциклы, футбол"),
    MentorSpec("college.partner", "partner", 2, status="interview", ages=(17, 21),
               competencies="Рынок труда района, вакансии для выпускников, резюме",
               achievements="Организатор ярмарок вакансий для выпускников",
               interests="Чтение, йога"),
    MentorSpec("college.pm41", "student", 3, ages=(15, 17)),
    MentorSpec("college.pm31", "student", 1, ages=(15, 17)),
    MentorSpec("college.pm32", "student", 1, ages=(15, 17)),
    MentorSpec("college.pm32b", "student", 1, ages=(15, 17)),
    MentorSpec("college.pm31b", "student", 1, status="trained", ages=(15, 17)),
    MentorSpec("college.pm41b", "student", 1, status="interview", ages=(15, 17)),
    # МБОУ «Октябрьская СОШ»
    MentorSpec("okt.math", "teacher", 1, qualification="highest",
               mentor_type="consultant", ages=(22, 35)),
    MentorSpec("okt.bio", "teacher", 1, status="archived", qualification="first",
               ages=(22, 35)),
    MentorSpec("okt.inf", "teacher", 1, status="questionnaire", qualification="first",
               ages=(12, 17)),
    MentorSpec("okt.tech", "teacher", 2, status="ready", qualification="highest",
               shared=True, ages=(12, 17)),
    MentorSpec("employer1", "employee", 2, shared=True, ages=(14, 18),
               competencies="Технология переработки молока, контроль качества, "
                            "лабораторные исследования; профориентация школьников",
               achievements="Организовал профпробы для школьников района; благодарность "
                            "Министерства сельского хозяйства Алтайского края",
               interests="Охота, история родного края"),
    MentorSpec("okt.energy", "employee", 3, shared=True, ages=(13, 17),
               competencies="Электроснабжение, энергосбережение, охрана труда; "
                            "проектная деятельность со школьниками",
               achievements="Проект «Энергоклуб» — призёр краевого конкурса",
               interests="Радиотехника, лыжи"),
    MentorSpec("okt.farmer", "entrepreneur", 2, shared=True, ages=(14, 18),
               competencies="Предпринимательство, бизнес-планирование, "
                            "растениеводство и животноводство",
               achievements="Грант «Агростартап» (2019); лучший фермер района 2023 года",
               interests="Сельхозтехника, пчеловодство"),
    MentorSpec("okt.grad", "graduate", 1, ages=(15, 18),
               competencies="Агрономия; поступление в Алтайский ГАУ по целевому "
                            "направлению",
               achievements="Выпускница Алтайского ГАУ (целевое обучение)",
               interests="Цветоводство, фотография"),
]

TRANSFER = "Наставляемый перевёлся в другую школу (переезд семьи в г. Рубцовск)."

PAIRS = [
    # --- МБОУ «Змеиногорская СОШ № 1»: ученик – ученик --------------------------
    PairSpec("P1", "sosh1", "pupil-pupil", "pp-achiever", "pupilmentor1", ("@pupil1",),
             "active", ("y2", 7), ("study", "Подтянуть математику перед ОГЭ"),
             ("low-results",)),
    PairSpec("P2", "sosh1", "pupil-pupil", "pp-adapted", "sosh1.pm11a",
             ("5А", "5А", "5Б"), "active", ("y2", 0),
             ("adaptation", "Освоиться в пятом классе: новые учителя, кабинеты, расписание"),
             ("newcomer",), plan="short", way="group", late_joiner=True,
             title="Группа адаптации пятиклассников «Новый старт»"),
    PairSpec("P3", "sosh1", "pupil-pupil", "pp-leader", "sosh1.pm11b", ("8Б",),
             "active", ("y1", 21),
             ("leadership", "Стать активнее: участвовать в делах класса и «Движения первых»"),
             ("passive",), plan="programme"),
    PairSpec("P4", "sosh1", "pupil-pupil", "pp-achiever", "sosh1.pm10b", ("7А",),
             "completed", ("y1", 14),
             ("study", "Закрыть пробелы по русскому языку перед ВПР"), ("low-results",),
             ended=date(2026, 5, 22), evidence="grades",
             result="Годовая оценка по русскому языку повысилась с «3» до «4»; ВПР "
                    "написана на «4»."),
    PairSpec("P5", "sosh1", "pupil-pupil", "pp-achiever", "sosh1.pm9b", ("6А",),
             "formed", ("ago", 24),
             ("study", "Научиться решать текстовые задачи на проценты и движение"),
             ("low-results",)),
    PairSpec("P6", "sosh1", "pupil-pupil", "pp-peer", "sosh1.pm11a2", ("8А",),
             "active", ("y2", 14),
             ("olympiad", "Подготовиться к школьному этапу олимпиады по информатике"),
             ("gifted",)),
    PairSpec("P7", "sosh1", "pupil-pupil", "pp-leader", "sosh1.pm10a2", ("7Б",),
             "terminated", ("y1", 28),
             ("communication", "Научиться находить общий язык с одноклассниками"),
             ("passive", "newcomer"), ended=date(2026, 2, 13), reason=TRANSFER,
             mentee_leaves=True),
    PairSpec("P8", "sosh1", "pupil-pupil", "pp-achiever", "sosh1.pm11b", ("6Б",),
             "active", ("ago", 22),
             ("study", "Подтянуть английский язык: грамматика и чтение"),
             ("low-results",), meetings="none"),
    # --- учитель – учитель ---------------------------------------------------------
    PairSpec("T1", "sosh1", "teacher-teacher", "tt-subject", "mentor1",
             ("@youngteacher1",), "active", ("y1", 7),
             ("digital", "Освоить электронный журнал"),
             ("young-specialist", "digital-skills"), plan="programme",
             extra_request=("classroom-management", "Выстроить дисциплину на уроке")),
    PairSpec("T2", "sosh1", "teacher-teacher", "tt-subject", "sosh1.eng",
             ("@sosh1.eng_young",), "active", ("y1", 16),
             ("lesson-planning", "Планирование урока по ФГОС: цели и планируемые "
                                 "результаты"),
             ("young-specialist",), plan="programme", meetings="stale"),
    PairSpec("T3", "sosh1", "teacher-teacher", "tt-young", "sosh1.veteran",
             ("@sosh1.pe_young",), "completed", ("y1", 7),
             ("classroom-management", "Выстроить дисциплину на уроке"),
             ("young-specialist", "adaptation"), ended=date(2026, 5, 25),
             evidence="open_lesson",
             result="Проведён открытый урок для методического объединения; этап "
                    "адаптации пройден, заключение наставника положительное."),
    # --- учитель – ученик ----------------------------------------------------------
    PairSpec("TP1", "sosh1", "teacher-pupil", "tp-colleague", "mentor1", ("9Б", "9Б"),
             "active", ("y2", 14),
             ("projects", "Подготовить исследовательскую работу на конференцию "
                          "«Шаг в будущее»"),
             ("gifted",), way="group", title="Проектная группа «Математика вокруг нас»"),
    PairSpec("TP2", "sosh1", "teacher-pupil", "tp-colleague", "sosh1.bio", ("10А",),
             "active", ("y2", 21), ("olympiad", "Подготовка к олимпиаде по биологии"),
             ("gifted",)),
    PairSpec("TP3", "sosh1", "teacher-pupil", "tp-professional", "sosh1.hist", ("11Б",),
             "completed", ("y1", 28),
             ("career", "Определиться с вузом и предметами ЕГЭ"), ("passive",),
             ended=date(2026, 4, 30), evidence="trajectory",
             result="Определена образовательная траектория: выбраны направления "
                    "подготовки и предметы ЕГЭ (история, обществознание)."),
    PairSpec("TP4", "sosh1", "teacher-pupil", "tp-professional", "sosh1.grad1", ("8Б",),
             "formed", ("ago", 23),
             ("career", "Определиться с профессией и выбрать профиль 10 класса"),
             ("passive",), way="virtual"),
    PairSpec("TP5", "sosh1", "teacher-pupil", "tp-colleague", "sosh1.phys", ("10Б",),
             "active", ("y2", 7), ("projects", "Проект «Умная теплица» на Arduino"),
             ("gifted",), meetings="stale"),
    PairSpec("TP6", "sosh1", "teacher-pupil", "tp-professional", "sosh1.geo", ("7А",),
             "active", ("y2", 21),
             ("projects", "Выполнить индивидуальный проект по экологии родного края"),
             ("passive",)),
    PairSpec("TP7", "sosh1", "teacher-pupil", "tp-professional", "sosh1.grad2", ("9А",),
             "formed", ("ago", 21),
             ("career", "Понять, какие экзамены сдавать для поступления в колледж"),
             ("passive",), no_consent=True),
    # --- учащийся в СОП – наставник --------------------------------------------------
    PairSpec("S1", "sosh1", "social-risk", "sr-social-pedagogue", "socped1", ("8А",),
             "active", ("y1", 56),
             ("behaviour", "Перестать пропускать уроки без уважительной причины"),
             ("prevention-register", "behaviour"), plan="programme"),
    PairSpec("S2", "sosh1", "social-risk", "sr-class-teacher", "classteacher1", ("7Б",),
             "active", ("y2", 7),
             ("behaviour", "Найти занятие по душе во внеурочное время и не пропускать "
                           "уроки"),
             ("behaviour", "prevention-register")),
    # --- КГБПОУ «Змеиногорский политехнический колледж» ------------------------------
    PairSpec("C1", "college", "teacher-pupil", "tp-colleague", "college.master",
             ("ТМ-21", "ТМ-21", "ТМ-31"), "active", ("y2", 7),
             ("olympiad", "Подготовиться к чемпионату «Профессионалы» по компетенции "
                          "«Токарные работы на станках с ЧПУ»"),
             ("gifted",), way="group",
             title="Команда колледжа к чемпионату «Профессионалы»"),
    PairSpec("C2", "college", "teacher-pupil", "tp-professional", "college.math",
             ("ТМ-11",), "active", ("y2", 21),
             ("study", "Подтянуть математику: тригонометрия и логарифмы"),
             ("low-results",)),
    PairSpec("C3", "college", "teacher-pupil", "tp-colleague", "college.econ", ("ЭК-32",),
             "completed", ("y1", 21), ("projects", "Составить бизнес-план своего дела"),
             ("gifted",), ended=date(2026, 5, 15), evidence="business_plan",
             result="Разработан и защищён бизнес-план шиномонтажной мастерской; "
                    "2-е место на краевом конкурсе бизнес-идей."),
    PairSpec("C4", "college", "teacher-pupil", "tp-colleague", "college.atp", ("ТМ-31",),
             "active", ("y1", 63),
             ("career", "Найти место производственной практики с перспективой "
                        "трудоустройства"),
             (), plan="programme", meetings="stale"),
    PairSpec("C5", "college", "teacher-pupil", "tp-professional", "college.grad",
             ("ЭК-22",), "formed", ("ago", 25),
             ("career", "Понять, где работать после колледжа: экскурсии на предприятия "
                        "района"),
             ("passive",)),
    PairSpec("C6", "college", "pupil-pupil", "pp-adapted", "college.pm41",
             ("ТМ-11", "ТМ-11"), "active", ("y2", 0),
             ("adaptation", "Адаптироваться к учёбе в колледже и жизни в общежитии"),
             ("newcomer",), plan="short", way="group",
             title="Адаптация первокурсников группы ТМ-11"),
    PairSpec("C7", "college", "pupil-pupil", "pp-achiever", "college.pm31", ("ТМ-21",),
             "active", ("y2", 14),
             ("study", "Разобраться с инженерной графикой и чертежами"),
             ("low-results",)),
    PairSpec("C8", "college", "pupil-pupil", "pp-achiever", "college.pm32", ("ЭК-12",),
             "active", ("y2", 14),
             ("study", "Разобраться с основами экономики организации"),
             ("low-results",)),
    PairSpec("C9", "college", "pupil-pupil", "pp-achiever", "college.pm41", ("ЭК-22",),
             "terminated", ("y1", 21),
             ("study", "Сдать задолженность по технической механике"), ("low-results",),
             ended=date(2026, 1, 23),
             reason="Наставляемый перевёлся на другую специальность (группа ЭК-22); "
                    "запрос передан куратору для подбора нового наставника."),
    PairSpec("C10", "college", "pupil-pupil", "pp-achiever", "college.pm32b",
             ("ЭК-12",), "active", ("ago", 26),
             ("study", "Подтянуть математику перед первой сессией"), ("low-results",),
             meetings="none"),
    PairSpec("C11", "college", "teacher-teacher", "tt-young", "college.spec",
             ("@college.el_young",), "active", ("y1", 14),
             ("methodology", "Подготовить и провести открытый урок"),
             ("young-specialist", "changed-position"), plan="programme",
             extra_request=("documents", "Научиться составлять рабочую программу и КТП")),
    PairSpec("C12", "college", "teacher-teacher", "tt-class-teacher", "college.rus",
             ("@college.inf_young",), "active", ("y2", 0),
             ("communication", "Организовать работу с родителями и кураторство группы"),
             ("young-specialist",)),
    # --- МБОУ «Октябрьская СОШ» -------------------------------------------------------
    PairSpec("E1", "oktyabr", "employer-pupil", "ep-future-employee", "employer1",
             ("10А",), "active", ("y2", 14),
             ("career", "Узнать о профессиях молочной отрасли: технолог, лаборант, "
                        "оператор"),
             ("passive",)),
    PairSpec("E2", "oktyabr", "employer-pupil", "ep-future-employee", "employer1",
             ("11А",), "completed", ("y1", 14),
             ("career", "Пройти профпробы в лаборатории молочного завода"), (),
             ended=date(2026, 5, 20), evidence="trajectory",
             result="Пройдены профпробы в лаборатории; выбрана специальность "
                    "«Технология молока и молочных продуктов», заключён договор о "
                    "целевом обучении."),
    PairSpec("E3", "oktyabr", "employer-pupil", "ep-professional", "okt.energy",
             ("8А", "8А", "9А", "9А"), "active", ("y1", 35),
             ("projects", "Подготовить проект «Энергосбережение в школе»"), (),
             plan="programme", way="group", title="Энергоклуб",
             group_leaver=date(2026, 2, 27)),
    PairSpec("E4", "oktyabr", "employer-pupil", "ep-colleague", "okt.farmer", ("11А",),
             "completed", ("y1", 30),
             ("career", "Разобраться, как устроено фермерское хозяйство, и составить "
                        "бизнес-план"),
             ("gifted",), ended=date(2026, 5, 20), evidence="business_plan",
             result="Составлен и защищён бизнес-план мини-фермы по разведению "
                    "перепелов; призёр районного конкурса «Юный предприниматель»."),
    PairSpec("E5", "oktyabr", "employer-pupil", "ep-future-employee", "okt.grad",
             ("11А",), "formed", ("ago", 27),
             ("career", "Выбрать колледж или вуз с учётом работы в родном посёлке"),
             ("passive",)),
    PairSpec("E6", "oktyabr", "employer-pupil", "ep-professional", "okt.farmer", ("9А",),
             "active", ("y2", 7),
             ("career", "Узнать, как устроена работа в сельском хозяйстве"),
             ("passive",), meetings="stale"),
    PairSpec("E7", "oktyabr", "teacher-teacher", "tt-young", "okt.math",
             ("@okt.rus_young",), "active", ("y1", 7),
             ("lesson-planning", "Планирование урока по ФГОС: цели и планируемые "
                                 "результаты"),
             ("young-specialist", "adaptation"), plan="programme",
             extra_request=("documents", "Научиться составлять рабочую программу и КТП")),
    PairSpec("E8", "oktyabr", "teacher-teacher", "tt-young", "okt.bio",
             ("@okt.hist_young",), "terminated", ("y1", 14),
             ("classroom-management", "Выстроить дисциплину на уроке"),
             ("young-specialist", "burnout"), ended=date(2026, 3, 20),
             reason="Наставник уволилась в связи с переездом в другой регион; "
                    "наставляемый ждёт нового наставника."),
]

# Optional subprogrammes of seed 000 by role variant, attached to the schools' pairs
# when the catalogue has a row with that code (they are not among the fixed codes).
SUBPROGRAMMES = {
    "pp-achiever": "sub-uspevaemost-100",
    "pp-peer": "sub-podelis-opytom",
    "pp-leader": "sub-vovlechenie",
    "pp-adapted": "sub-adaptaciya-uchenika",
    "tt-subject": "sub-molodoy-predmetnik",
    "tt-class-teacher": "sub-molodoy-klassnyy-rukovoditel",
    "tt-young": "sub-adaptaciya-pedagoga",
    "ep-professional": "sub-budushchiy-professional",
    "ep-colleague": "sub-budushchiy-professional",
    "ep-future-employee": "sub-budushchiy-professional",
}
