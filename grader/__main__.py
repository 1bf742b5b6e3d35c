"""`python -m grader` is the `grade` command."""

from grader.cli import grade_main

grade_main()
