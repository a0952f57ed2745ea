# The explorer as a container image, after Streamlit's documented pattern
# (https://docs.streamlit.io/deploy/tutorials/docker): slim Python, the requirements, the app,
# a health check on /_stcore/health and `streamlit run` as the entry point.
#
#   docker build -t ce-explorer .
#   docker run -p 8501:8501 ce-explorer        # then open http://localhost:8501
#
# tests/deploy/test_hosting.py runs this file's ENTRYPOINT with its ENV and HEALTHCHECK directly (no container
# engine runs on our CI machines), so keep them in the exec/one-line forms used here.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The CPU index first: torch==2.13.0 from PyPI would pull gigabytes of CUDA packages.
COPY requirements.txt ./
COPY deploy/requirements-hosted.txt deploy/
RUN pip install --no-cache-dir -r deploy/requirements-hosted.txt

COPY . .
RUN useradd --create-home --uid 1000 explorer && chown -R explorer /app
USER explorer

# Production settings beyond .streamlit/config.toml: no file watcher (nothing edits the code in a
# container, and watching costs CPU), Keras on the torch backend.
ENV PYTHONUNBUFFERED=1 \
    KERAS_BACKEND=torch \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false

EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl --fail http://localhost:8501/_stcore/health

ENTRYPOINT ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
