"""The build machinery, kept apart from what a site is made of: the cache (keys derived from what
a step reads, memo tables, their files), the workers across cores, the stamps that tell an
unchanged site, and the writing of the output. Only the orchestrator (cupsite/build.py) imports
it; the stages see it through the interface of cupsite/steps.py."""
