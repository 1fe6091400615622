"""Paper reviews: papers and BibTeX, the template store, answers, the review workflow,
assignments, queries and export."""
