"""ipywidgets explorers: thin views over course_lib's numeric functions.

Each explorer keeps its maths in course_lib's numeric modules and its update logic in a plain
method that a test can call without a browser. Topic modules are imported on demand, e.g.
``from course_lib.widgets.convolution import kernel_explorer``.
"""
