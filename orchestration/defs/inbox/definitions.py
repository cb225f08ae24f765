"""This folder's assets, checks, jobs, schedules and sensors, found at module scope."""

from orchestration.defs.discovery import folder_definitions

defs = folder_definitions(__package__)
