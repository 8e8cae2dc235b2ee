"""Run every benchmark and print its results: `make bench`."""

from bench import evidence, launches, policy_import, quizzes


def main() -> None:
    launches.main()
    evidence.main()
    quizzes.main()
    policy_import.main()


if __name__ == "__main__":
    main()
