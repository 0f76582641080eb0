package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** What the dead-letter table stores as TEXT must be storable in PostgreSQL and MySQL/MariaDB. */
class DeadLetterTest {

    private static String display(byte[] payload) {
        return new DeadLetter(payload, "t/b/0/1", "r", 1L).payloadForDisplay();
    }

    @Test
    void utf8TextIsStoredAsItIs() {
        String text = "{\"type\":\"ORDER_PAID\",\"orderId\":\"caf\u00e9-\uD83D\uDE00\",\"paymentId\":\"p-\\u0000\"}";

        assertThat(display(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @Test
    void aNulByteMakesItBase64BecausePostgresTextRejectsNul() {
        byte[] withNul = "{\"orderId\":\"o\u0000\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(display(withNul)).isEqualTo("base64:" + Base64.getEncoder().encodeToString(withNul));
    }

    @Test
    void bytesThatAreNotUtf8AreBase64SoThatNothingIsLost() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        byte[] truncatedSequence = {'a', (byte) 0xE2, (byte) 0x82};

        assertThat(display(latin1)).isEqualTo("base64:" + Base64.getEncoder().encodeToString(latin1));
        assertThat(display(truncatedSequence)).isEqualTo("base64:" + Base64.getEncoder().encodeToString(truncatedSequence));
    }

    @Test
    void aReplacementCharacterThatIsValidUtf8StaysText() {
        String text = "bad \uFFFD char";

        assertThat(display(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }

    @Test
    void noPayloadIsEmpty() {
        assertThat(display(null)).isEmpty();
        assertThat(display(new byte[0])).isEmpty();
    }
}
