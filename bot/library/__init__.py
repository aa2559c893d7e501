"""The exercise library: YAML files in `content/`, validated and turned into domain objects.

library = load_library()            # raises LibraryError listing every problem
library, problems = check_library(path)
"""

from bot.library.loader import DEFAULT_CONTENT_DIR, check_library, inspect_content, load_library
from bot.library.problems import LibraryError, Problem
from bot.library.validate import Third, third_of

__all__ = [
    "DEFAULT_CONTENT_DIR",
    "LibraryError",
    "Problem",
    "Third",
    "check_library",
    "inspect_content",
    "load_library",
    "third_of",
]
