"""pytest --nbval on the exercise notebooks: check cells are judged against the solved output.

Loads kamlib's plugin (see kamlib/course/nbval_plugin.py), so that
``pytest --nbval exercises/00_warmup.ipynb`` says which questions of your copy are done,
even after you saved the notebook with your own check outputs in it.
"""

PLUGIN = "kamlib.course.nbval_plugin"


def pytest_configure(config):
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
