"""Run every benchmark and print its results: `make bench`."""

from bench import evidence, launches, quizzes


def main() -> None:
    launches.main()
    evidence.main()
    quizzes.main()


if __name__ == "__main__":
    main()
