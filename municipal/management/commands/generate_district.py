"""`manage.py generate_district`: the data of a district (or a region) for
measuring the portal at scale. The logic is `municipal.generator`."""

from django.core.management.base import BaseCommand, CommandError

from municipal import generator


class Command(BaseCommand):
    help = (
        "Generate «Сгенерированный район» for measurements: 30 organisations, "
        "15 000 pupils, 1 500 teachers, 8 000 pairs, 100 000 meetings, with requests, "
        "consents, questionnaire answers, entry and exit values and roadmaps "
        "(--region: «Сгенерированный регион», ten times that). One school, "
        f"{generator.LARGEST_SHORT_NAME}, is the largest (about 1 000 pairs and "
        "2 000 mentors). Deterministic for a seed; every login's password is "
        f"{generator.PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            action="store_true",
            help="Generate a region: 300 organisations and 150 000 pupils.",
        )
        parser.add_argument(
            "--seed", type=int, default=17, help="Random seed (default 17)."
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every size by this (e.g. 0.01 for a quick try).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the generated municipality and its logins first.",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing (errors still raise)."
        )

    def handle(self, *args, **options):
        quiet = options["quiet"] or options["verbosity"] == 0
        say = (lambda message: None) if quiet else self.stdout.write
        if options["scale"] <= 0:
            raise CommandError("--scale must be above 0.")
        generator.load_catalogues()
        try:
            result = generator.generate(
                region=options["region"],
                seed=options["seed"],
                scale=options["scale"],
                reset=options["reset"],
                log=say,
            )
        except generator.GeneratedDataExists as exc:
            raise CommandError(
                f"«{exc}» is already generated: run with --reset to delete it "
                "and generate it again."
            ) from exc
        if quiet:
            return
        say(f"Generated «{result.municipality.name}» in {result.seconds:.1f} s:")
        for label, count in sorted(result.counts.items()):
            say(f"  {label:<36} {count:>9}")
        say(f"Password of every login: {generator.PASSWORD}")
        say(f"  coordinator:                     {result.coordinator}")
        say(
            f"  curator of {generator.LARGEST_SHORT_NAME} (largest): "
            f"{result.largest_curator}"
        )
        say(f"  curator of another school:       {result.other_curator}")
