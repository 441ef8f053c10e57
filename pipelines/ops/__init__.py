"""Operations: the job that runs everything, the nightly schedule, sensors on raw inputs."""
