"""``python -m kamlib.course.glossary``: print the glossary as Markdown (the content of GLOSSARY.md)."""

from ._glossary import glossary_markdown

if __name__ == "__main__":
    print(glossary_markdown(), end="")
