// Types for npm `smpp` 0.5.1 (it ships none): only what this project uses.
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    interface PDU {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): PDU;
      // Command fields and TLVs by name (short_message decodes to { message, udh? }).
      [field: string]: any;
    }

    type PduCallback = (pdu: PDU) => void;
    type CommandShortcut = (options?: Record<string, unknown> | PduCallback, responseCallback?: PduCallback, sendCallback?: PduCallback) => boolean;

    class Session extends EventEmitter {
      socket: Socket;
      server?: Server;
      send(pdu: PDU, responseCallback?: PduCallback, sendCallback?: PduCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver: CommandShortcut;
      submit_sm: CommandShortcut;
      deliver_sm: CommandShortcut;
      enquire_link: CommandShortcut;
      unbind: CommandShortcut;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    interface ConnectOptions {
      url?: string;
      host?: string;
      port?: number;
      tls?: boolean;
      auto_enquire_link_period?: number;
    }

    function connect(options: ConnectOptions | string, listener?: () => void): Session;
    function createServer(listener?: (session: Session) => void): Server;
    function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;

    const PDU: { new (command: string, options?: Record<string, unknown>): PDU };
    const ESME_ROK: number;
    const ESME_RINVPASWD: number;
    const ESME_RSYSERR: number;
    const ESME_RTHROTTLED: number;
    const ESME_RX_T_APPN: number;
  }

  export = smpp;
}
