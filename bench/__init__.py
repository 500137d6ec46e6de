"""`make bench`: the portal measured at district size (issue 17). See bench/run.py."""
