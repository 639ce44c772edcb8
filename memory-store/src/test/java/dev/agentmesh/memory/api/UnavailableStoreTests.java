package dev.agentmesh.memory.api;

import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.query.MemoryQueries;
import dev.agentmesh.memory.query.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** While the store cannot answer (restoring, rebalancing, owner unreachable) the API says so: 503 and Retry-After. */
class UnavailableStoreTests {

    private static final MemoryProperties PROPERTIES = new MemoryProperties("127.0.0.1:8087",
            new MemoryProperties.History(20, 50, DataSize.ofKilobytes(12), Duration.ofDays(30), Duration.ofMinutes(10)),
            new MemoryProperties.Query(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(1500)),
            new MemoryProperties.Topics(Duration.ofDays(7), Duration.ofDays(1)), new MemoryProperties.Learning(true));

    @Test
    void answers503WithRetryAfterRatherThanWrongDataWhileTheStoreIsRestoring() throws Exception {
        MemoryQueries queries = mock(MemoryQueries.class);
        when(queries.read(anyString())).thenThrow(new StoreUnavailableException("the memory stream is REBALANCING"));
        MockMvc api = MockMvcBuilders.standaloneSetup(new MemoryController(queries, mock(MemoryWriter.class)))
                .setControllerAdvice(new ApiErrors(PROPERTIES)).build();

        api.perform(get("/api/memory/users/ana/conversations"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "2"))
                .andExpect(jsonPath("$.detail").value("the memory stream is REBALANCING; retry after 2 s"));
        api.perform(get("/api/memory/users/ana/profile")).andExpect(status().isServiceUnavailable());
    }

    @Test
    void theDefaultBoundsKeepOneUsersHistoryFarBelowAKafkaRecordsLimit() {
        var defaults = PROPERTIES.history();
        var tooLarge = new MemoryProperties.History(100, 50, DataSize.ofKilobytes(64), Duration.ofDays(30),
                Duration.ofMinutes(10));

        org.assertj.core.api.Assertions.assertThat(defaults.isWithinRecordBudget()).isTrue();
        org.assertj.core.api.Assertions.assertThat(tooLarge.isWithinRecordBudget()).isFalse();
    }
}
