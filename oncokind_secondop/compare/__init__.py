"""Compare: a worksheet that lays two or more opinions side by side.

``fields`` holds the one table of what an opinion records; the form, the
side-by-side view, the PDF and the letter are all driven from it.
``models`` stores worksheets and opinions, ``services`` saves them (the
worksheet's version is the unit of concurrency), ``guidance`` holds the
questions and prompts, ``views`` the routes.
"""
