# ledgerbridge on the official Airflow image: our pinned lock on top of it, and the repository laid out under
# /opt/airflow the way the code expects it (dags/, plugins/, include/sql/, config/), so the paths the code derives
# from its own location resolve. docker-compose.yaml mounts the live folders over these copies.
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${AIRFLOW_IMAGE}

# requirements.txt is the full lock used by `make install`, CI and this image alike. It pins apache-airflow to the
# base image's version, so pip only adds and aligns the rest.
COPY --chown=airflow:0 requirements.txt /opt/ledgerbridge/requirements.txt
RUN pip install --no-cache-dir -r /opt/ledgerbridge/requirements.txt

COPY --chown=airflow:0 pyproject.toml /opt/airflow/pyproject.toml
COPY --chown=airflow:0 plugins /opt/airflow/plugins
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 include /opt/airflow/include
COPY --chown=airflow:0 config /opt/airflow/config
COPY --chown=airflow:0 sandbox /opt/airflow/sandbox
# Editable, so the installed packages are the (mounted) /opt/airflow/plugins ones; the install registers the
# `apache_airflow_provider` entry point that gives the UI the xero and quickbooks connection types.
RUN pip install --no-cache-dir --no-deps -e /opt/airflow

# Named volumes start with the ownership of these folders (airflow-init re-owns them for another AIRFLOW_UID).
RUN mkdir -p /opt/airflow/auth /opt/airflow/sandbox-state

# plugins/ for `xero`, `quickbooks`, `reconcile`, `ledgerbridge`; /opt/airflow for the `sandbox` package.
ENV PYTHONPATH=/opt/airflow/plugins:/opt/airflow
