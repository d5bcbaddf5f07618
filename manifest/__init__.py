"""The Teams app package: manifest, icons, Russian texts and the build step.

Run ``python -m manifest build`` to write the zip that an administrator
uploads to Teams.
"""
