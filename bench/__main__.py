"""Run every benchmark and print its results: `make bench`."""

from bench import evidence, launches


def main() -> None:
    launches.main()
    evidence.main()


if __name__ == "__main__":
    main()
