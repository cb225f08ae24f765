CREATE DATABASE warehouse OWNER tourstack;
CREATE DATABASE dagster OWNER tourstack;
