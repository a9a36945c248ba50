package com.example;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

class FailingIT {

    @Test
    void failsOnPurpose() {
        fail("fails on purpose: the build must still stop its containers");
    }
}
