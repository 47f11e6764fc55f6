"""Learn: plain-language pages about second opinions, a self-check, scripts
and a records-request letter to print, and a centers and programs finder.

Public pages with no patient data: nothing typed here is stored or logged.
"""
