"""Run every benchmark and print its results."""

from bench import launches


def main() -> None:
    launches.main()


if __name__ == "__main__":
    main()
